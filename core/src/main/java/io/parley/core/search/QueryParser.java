package io.parley.core.search;

import io.parley.core.error.ParleyException;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses Parley's search syntax (spec 002 §5.4), the same for every engine:
 * <pre>
 *   deploy "release notes" -draft from:@ana in:#ops to:@ben mentions:@cid
 *   before:2026-11-01 after:2026-10-01 on:yesterday during:"last week" has:link has:reaction is:thread
 * </pre>
 * Words are free text (stemmed by the engine); {@code "…"} is an exact phrase; a leading {@code -}
 * excludes a word or phrase. Dates are {@code YYYY-MM-DD}, {@code today} or {@code yesterday};
 * {@code during:} also takes {@code week}, {@code last week}, {@code month}, {@code last month},
 * {@code YYYY-MM}, {@code YYYY} or a month name — all in the user's time zone. A word with an
 * unknown {@code key:} prefix is plain text (so URLs stay searchable). Every mistake is an
 * {@code invalid_request} naming it; nothing here throws anything else.
 */
public final class QueryParser {
    /** Longest query accepted, in characters. */
    public static final int MAX_LENGTH = 500;
    private static final Set<String> FILTERS = Set.of("from", "to", "mentions", "in", "before", "after", "on", "during", "has", "is");

    private QueryParser() {}

    /**
     * @param today the user's current date (in {@code zone})
     * @param zone the user's time zone, for date filters
     */
    public static SearchQuery parse(String query, LocalDate today, ZoneId zone) {
        if (query == null || query.isBlank()) throw ParleyException.invalid("q (the search query) is required");
        if (query.length() > MAX_LENGTH) throw ParleyException.invalid("q is longer than " + MAX_LENGTH + " characters");
        List<String> terms = new ArrayList<>(), phrases = new ArrayList<>(), exTerms = new ArrayList<>(), exPhrases = new ArrayList<>();
        List<String> from = new ArrayList<>(), in = new ArrayList<>(), to = new ArrayList<>(), mentions = new ArrayList<>();
        Set<SearchQuery.Has> has = EnumSet.noneOf(SearchQuery.Has.class);
        Instant lower = null;
        Instant upper = null;
        boolean threads = false;

        for (Token t : tokens(query)) {
            if (t.quoted()) {
                String phrase = t.text().strip();
                if (phrase.isEmpty()) continue;
                (t.negated() ? exPhrases : phrases).add(phrase);
                continue;
            }
            String word = t.text();
            int colon = word.indexOf(':');
            String key = colon > 0 ? word.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            String value = colon > 0 ? word.substring(colon + 1) : "";
            if (t.valueQuoted()) value = t.value();
            if (t.negated() && FILTERS.contains(key)) throw ParleyException.invalid("filters cannot be excluded: remove the - before " + key + ":");
            switch (key) {
                case "from" -> from.add(person(key, value));
                case "to" -> to.add(person(key, value));
                case "mentions" -> mentions.add(person(key, value));
                case "in" -> in.add(channel(value));
                case "before" -> upper = min(upper, day(key, value, today).atStartOfDay(zone).toInstant());
                case "after" -> lower = max(lower, day(key, value, today).plusDays(1).atStartOfDay(zone).toInstant());
                case "on" -> {
                    LocalDate d = day(key, value, today);
                    lower = max(lower, d.atStartOfDay(zone).toInstant());
                    upper = min(upper, d.plusDays(1).atStartOfDay(zone).toInstant());
                }
                case "during" -> {
                    LocalDate[] range = during(value, today);
                    lower = max(lower, range[0].atStartOfDay(zone).toInstant());
                    upper = min(upper, range[1].atStartOfDay(zone).toInstant());
                }
                case "has" -> has.add(switch (value.toLowerCase(Locale.ROOT)) {
                    case "link" -> SearchQuery.Has.LINK;
                    case "file" -> SearchQuery.Has.FILE;
                    case "reaction" -> SearchQuery.Has.REACTION;
                    default -> throw ParleyException.invalid("has: takes link, file or reaction (got '" + clip(value) + "')");
                });
                case "is" -> {
                    if (!value.equalsIgnoreCase("thread")) throw ParleyException.invalid("is: takes thread (got '" + clip(value) + "')");
                    threads = true;
                }
                default -> {
                    if (word.equals("-")) continue;
                    (t.negated() ? exTerms : terms).add(word);
                }
            }
        }
        if (lower != null && upper != null && !lower.isBefore(upper)) {
            throw ParleyException.invalid("the date filters leave no time between them");
        }
        SearchQuery q = new SearchQuery(terms, phrases, exTerms, exPhrases, from, in, to, mentions, lower, upper, has, threads);
        if (!q.hasText() && from.isEmpty() && in.isEmpty() && to.isEmpty() && mentions.isEmpty() && lower == null && upper == null
                && has.isEmpty() && !threads) {
            throw ParleyException.invalid("the query has nothing to search for: only excluded words");
        }
        return q;
    }

    /** A word or a quoted phrase, possibly negated; {@code key:"quoted value"} keeps its value. */
    private record Token(String text, boolean quoted, boolean negated, boolean valueQuoted, String value) {}

    private static List<Token> tokens(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean negated = c == '-' && i + 1 < n && !Character.isWhitespace(q.charAt(i + 1));
            if (negated) i++;
            if (q.charAt(i) == '"') {
                int end = q.indexOf('"', i + 1);
                if (end < 0) throw ParleyException.invalid("a quote is not closed: add the closing \"");
                out.add(new Token(q.substring(i + 1, end), true, negated, false, null));
                i = end + 1;
                continue;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(q.charAt(i))) {
                if (q.charAt(i) == '"' && i > start && q.charAt(i - 1) == ':') { // key:"value with spaces"
                    int end = q.indexOf('"', i + 1);
                    if (end < 0) throw ParleyException.invalid("a quote is not closed: add the closing \"");
                    String key = q.substring(start, i);
                    out.add(new Token(key + q.substring(i + 1, end), false, negated, true, q.substring(i + 1, end)));
                    i = end + 1;
                    start = -1;
                    break;
                }
                i++;
            }
            if (start >= 0) out.add(new Token(q.substring(start, i), false, negated, false, null));
        }
        return out;
    }

    private static String person(String key, String value) {
        String v = value.startsWith("@") ? value.substring(1) : value;
        if (v.isEmpty()) throw ParleyException.invalid(key + ": needs a person, like " + key + ":@ana");
        if (!v.matches("[A-Za-z0-9._-]{1,40}")) throw ParleyException.invalid(key + ": '" + clip(value) + "' is not a handle");
        return v.toLowerCase(Locale.ROOT);
    }

    private static String channel(String value) {
        String v = value.startsWith("#") ? value.substring(1) : value;
        if (v.isEmpty()) throw ParleyException.invalid("in: needs a channel, like in:#general");
        if (v.startsWith("@")) return "@" + person("in", v); // in:@ana means the DM with ana
        if (!v.matches("[A-Za-z0-9_-]{1,80}")) throw ParleyException.invalid("in: '" + clip(value) + "' is not a channel name");
        return v.toLowerCase(Locale.ROOT);
    }

    private static LocalDate day(String key, String value, LocalDate today) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "today" -> { return today; }
            case "yesterday" -> { return today.minusDays(1); }
            default -> {
                // Only YYYY-MM-DD: LocalDate.parse also takes signed years of up to nine digits, and the day after
                // +999999999-12-31 (after:, on:) does not exist.
                if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    try {
                        return LocalDate.parse(value);
                    } catch (DateTimeParseException e) {
                        // no such day (2026-02-30): refused below
                    }
                }
                throw ParleyException.invalid(key + ": takes a date like 2026-11-23, today or yesterday (got '" + clip(value) + "')");
            }
        }
    }

    /** {@return [first day, day after the last day]} */
    private static LocalDate[] during(String value, LocalDate today) {
        String v = value.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ').strip();
        LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        switch (v) {
            case "today" -> { return new LocalDate[]{today, today.plusDays(1)}; }
            case "yesterday" -> { return new LocalDate[]{today.minusDays(1), today}; }
            case "week", "this week" -> { return new LocalDate[]{monday, monday.plusWeeks(1)}; }
            case "last week", "lastweek" -> { return new LocalDate[]{monday.minusWeeks(1), monday}; }
            case "month", "this month" -> { return new LocalDate[]{today.withDayOfMonth(1), today.withDayOfMonth(1).plusMonths(1)}; }
            case "last month", "lastmonth" -> { return new LocalDate[]{today.withDayOfMonth(1).minusMonths(1), today.withDayOfMonth(1)}; }
            case "year", "this year" -> { return new LocalDate[]{today.withDayOfYear(1), today.withDayOfYear(1).plusYears(1)}; }
            default -> { }
        }
        if (v.matches("\\d{4}")) {
            LocalDate first = LocalDate.of(Integer.parseInt(v), 1, 1);
            return new LocalDate[]{first, first.plusYears(1)};
        }
        if (v.matches("\\d{4} \\d{2}")) {
            try {
                YearMonth ym = YearMonth.parse(v.replace(' ', '-'));
                return new LocalDate[]{ym.atDay(1), ym.atDay(1).plusMonths(1)};
            } catch (DateTimeParseException e) {
                throw ParleyException.invalid("during: '" + clip(value) + "' is not a month");
            }
        }
        if (v.matches("\\d{4} \\d{2} \\d{2}")) {
            LocalDate d = day("during", v.replace(' ', '-'), today);
            return new LocalDate[]{d, d.plusDays(1)};
        }
        for (Month m : Month.values()) {
            String name = m.name().toLowerCase(Locale.ROOT);
            if (v.equals(name) || v.equals(name.substring(0, 3))) {
                // the most recent such month, this year's if it has begun
                int year = m.getValue() <= today.getMonthValue() ? today.getYear() : today.getYear() - 1;
                LocalDate first = LocalDate.of(year, m, 1);
                return new LocalDate[]{first, first.plusMonths(1)};
            }
        }
        throw ParleyException.invalid("during: takes today, yesterday, week, last week, month, last month, year, "
                + "a month name, YYYY-MM or YYYY (got '" + clip(value) + "')");
    }

    private static Instant min(Instant a, Instant b) { return a == null || b.isBefore(a) ? b : a; }

    private static Instant max(Instant a, Instant b) { return a == null || b.isAfter(a) ? b : a; }

    private static String clip(String s) { return s.length() > 40 ? s.substring(0, 40) + "…" : s; }
}
