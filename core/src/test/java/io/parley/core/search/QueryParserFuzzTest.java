package io.parley.core.search;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the search query parser: any text (the input's bytes as UTF-8), read on a few days in a few time zones at
 * the ends of the offset range.
 *
 * <p>Property: {@link QueryParser#parse} returns a query or throws {@code invalid_request} with a short message (the
 * input clipped, never whole) — nothing else. A query it returns is usable by every engine: the time bounds, when
 * both are there, leave time between them; handles and channel names are what the resolvers look up (lower case,
 * without {@code @}/{@code #}); there is something to search for.
 *
 * <p>Kept seeds: {@code QueryParserFuzzTestInputs/parse/} (the syntax's examples, and every finding).
 */
class QueryParserFuzzTest {
    private record Day(LocalDate today, ZoneId zone) {}

    private static final List<Day> DAYS = List.of(
            new Day(LocalDate.of(2026, 11, 23), ZoneId.of("Europe/Berlin")),
            new Day(LocalDate.of(2024, 2, 29), ZoneId.of("+18:00")),
            new Day(LocalDate.of(1970, 1, 1), ZoneId.of("-18:00")),
            new Day(LocalDate.of(2026, 3, 29), ZoneId.of("Pacific/Apia")));
    private static final int MAX_MESSAGE = 300;

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"from:@", "to:@", "mentions:@", "in:#", "in:@", "before:", "after:", "on:", "during:", "has:", "is:",
            "link", "file", "reaction", "thread", "today", "yesterday", "week", "last week", "month", "last month", "year",
            "\"", "-", ":\"", "2026-11-01", "2026-02-29", "2026-11", "2026", "0000-01-01", "+999999999-12-31",
            "-999999999-01-01", "january", "feb", "december"})
    void parse(byte[] bytes) {
        String query = new String(bytes, StandardCharsets.UTF_8);
        for (Day day : DAYS) check(query, day);
    }

    private static void check(String query, Day day) {
        SearchQuery q;
        try {
            q = QueryParser.parse(query, day.today(), day.zone());
        } catch (ParleyException e) {
            assertEquals(ErrorCode.INVALID, e.code(), "the parser's only error is invalid_request");
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().length() <= MAX_MESSAGE, () -> "a message of " + e.getMessage().length() + " characters");
            return;
        }
        if (q.from() != null && q.until() != null) assertTrue(q.from().isBefore(q.until()), "time between the bounds");
        Stream.of(q.fromHandles(), q.toHandles(), q.mentionHandles()).flatMap(List::stream)
                .forEach(h -> assertTrue(h.matches("[a-z0-9._-]{1,40}"), () -> "a handle the resolver can look up: " + h));
        q.inChannels().forEach(c -> assertTrue(c.matches("[a-z0-9_-]{1,80}|@[a-z0-9._-]{1,40}"), () -> "a channel name: " + c));
        Stream.of(q.terms(), q.phrases(), q.excludedTerms(), q.excludedPhrases()).flatMap(List::stream)
                .forEach(t -> assertFalse(t.isBlank(), "no blank term or phrase"));
        assertTrue(q.hasText() || !q.fromHandles().isEmpty() || !q.inChannels().isEmpty() || !q.toHandles().isEmpty()
                || !q.mentionHandles().isEmpty() || q.from() != null || q.until() != null || !q.has().isEmpty() || q.threadsOnly(),
                "something to search for");
    }
}
