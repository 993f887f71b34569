package io.parley.core.search;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryParserTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23); // a Monday
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static SearchQuery parse(String q) {
        return QueryParser.parse(q, TODAY, BERLIN);
    }

    @Test
    void everyPartOfTheSyntax() {
        SearchQuery q = parse("deploy \"release notes\" -draft -\"old plan\" from:@Ana in:#Ops to:ben mentions:@cid has:link has:reaction is:thread");
        assertAll(
                () -> assertEquals(List.of("deploy"), q.terms()),
                () -> assertEquals(List.of("release notes"), q.phrases()),
                () -> assertEquals(List.of("draft"), q.excludedTerms()),
                () -> assertEquals(List.of("old plan"), q.excludedPhrases()),
                () -> assertEquals(List.of("ana"), q.fromHandles()),
                () -> assertEquals(List.of("ops"), q.inChannels()),
                () -> assertEquals(List.of("ben"), q.toHandles()),
                () -> assertEquals(List.of("cid"), q.mentionHandles()),
                () -> assertEquals(Set.of(SearchQuery.Has.LINK, SearchQuery.Has.REACTION), q.has()),
                () -> assertTrue(q.threadsOnly()));
    }

    @Test
    void datesAreDaysInTheUsersZone() {
        SearchQuery on = parse("on:2026-11-20 x");
        assertEquals(Instant.parse("2026-11-19T23:00:00Z"), on.from()); // midnight in Berlin (UTC+1)
        assertEquals(Instant.parse("2026-11-20T23:00:00Z"), on.until());
        SearchQuery range = parse("after:2026-11-01 before:2026-11-10 x");
        assertEquals(Instant.parse("2026-11-01T23:00:00Z"), range.from(), "after a day: from the next midnight");
        assertEquals(Instant.parse("2026-11-09T23:00:00Z"), range.until());
        SearchQuery lastWeek = parse("during:\"last week\"");
        assertEquals(Instant.parse("2026-11-15T23:00:00Z"), lastWeek.from()); // Monday 16 Nov, Berlin
        assertEquals(Instant.parse("2026-11-22T23:00:00Z"), lastWeek.until());
        assertEquals(parse("during:last-week").from(), lastWeek.from());
        SearchQuery yesterday = parse("on:yesterday");
        assertEquals(Instant.parse("2026-11-21T23:00:00Z"), yesterday.from());
        SearchQuery march = parse("during:march");
        assertEquals(Instant.parse("2026-02-28T23:00:00Z"), march.from());
        SearchQuery december = parse("during:dec");
        assertEquals(Instant.parse("2025-11-30T23:00:00Z"), december.from(), "a month not yet begun this year is last year's");
        assertNull(parse("plain").from());
    }

    @Test
    void urlsAndUnknownPrefixesStayText() {
        assertEquals(List.of("https://example.com/a", "note:this"), parse("https://example.com/a note:this").terms());
        assertEquals(List.of("in:@ben".substring(3)), parse("in:@ben").inChannels());
    }

    @Test
    void mistakesAreSpecificErrors() {
        for (String bad : List.of("", "   ", "\"unclosed", "from:", "from:@", "in:#", "has:kittens", "is:pinned",
                "before:tomorrowish", "during:someday", "after:2026-11-10 before:2026-11-01", "-excluded", "-from:@ana",
                "on:2026-13-01", "x".repeat(501),
                // dates are YYYY-MM-DD: the day after the last one LocalDate knows does not exist (a fuzz finding)
                "after:+999999999-12-31", "on:+999999999-12-31", "before:+10000-01-01")) {
            ParleyException e = assertThrows(ParleyException.class, () -> parse(bad), bad);
            assertEquals(ErrorCode.INVALID, e.code(), bad);
            assertTrue(!e.getMessage().isBlank());
        }
    }
}
