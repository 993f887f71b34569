package io.parley.core.search;

import io.parley.core.error.ParleyException;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;

/** The parameters of a search as REST and WebSocket both spell them: scope, sort and time zone. */
public final class SearchRequests {
    private SearchRequests() {}

    /** {@return the scope named} (messages when absent) */
    public static SearchService.Scope scope(String s) {
        if (s == null || s.isBlank()) return SearchService.Scope.MESSAGES;
        try {
            return SearchService.Scope.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("scope must be messages, people, channels, files or all");
        }
    }

    /** {@return whether sort asks for newest first} (relevance when absent) */
    public static boolean recency(String s) {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("relevance")) return false;
        if (s.equalsIgnoreCase("recency")) return true;
        throw ParleyException.invalid("sort must be relevance or recency");
    }

    /** {@return the IANA time zone for date filters} (UTC when absent) */
    public static ZoneId zone(String tz) {
        if (tz == null || tz.isBlank()) return ZoneId.of("UTC");
        try {
            return ZoneId.of(tz.strip());
        } catch (DateTimeException e) {
            throw ParleyException.invalid("tz must be an IANA time zone such as Europe/Berlin");
        }
    }
}
