package io.parley.core.search;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A parsed message search, independent of any engine: what must match, what must not, and the
 * filters. Handles and channel names are as written (lower-cased, without {@code @}/{@code #});
 * the search service resolves them to ids. Time bounds are instants already resolved in the
 * user's time zone: {@code from} inclusive, {@code until} exclusive.
 */
public record SearchQuery(List<String> terms, List<String> phrases, List<String> excludedTerms, List<String> excludedPhrases,
                          List<String> fromHandles, List<String> inChannels, List<String> toHandles, List<String> mentionHandles,
                          Instant from, Instant until, Set<Has> has, boolean threadsOnly) {

    /** {@code has:} filters. */
    public enum Has { LINK, FILE, REACTION }

    public SearchQuery {
        terms = List.copyOf(terms);
        phrases = List.copyOf(phrases);
        excludedTerms = List.copyOf(excludedTerms);
        excludedPhrases = List.copyOf(excludedPhrases);
        fromHandles = List.copyOf(fromHandles);
        inChannels = List.copyOf(inChannels);
        toHandles = List.copyOf(toHandles);
        mentionHandles = List.copyOf(mentionHandles);
        has = Set.copyOf(has);
    }

    /** {@return whether there is any text to match (otherwise the query is filters only, newest first)} */
    public boolean hasText() {
        return !terms.isEmpty() || !phrases.isEmpty();
    }
}
