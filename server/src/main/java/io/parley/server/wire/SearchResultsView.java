package io.parley.server.wire;

import io.parley.core.search.SearchResults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Search results on the wire (spec 002 §5.6), the same over REST and WebSocket: a list of typed
 * results ({@code message}, {@code person}, {@code channel}, {@code file}) with a score and, for messages,
 * {@code highlight.content} fragments. Fragments are HTML-escaped text in which only the
 * {@code <mark>…</mark>} tags around matches are markup.
 */
public record SearchResultsView(List<Result> results, long total, String cursor) {

    /** One result; exactly one of message, person, channel, file is set, as {@code type} says. */
    public record Result(String type, float score, Map<String, List<String>> highlight, MessageView message, UserView person,
                         ChatView channel, FileView file) {}

    public static SearchResultsView of(SearchResults r) {
        List<Result> out = new ArrayList<>();
        for (var p : r.people()) out.add(new Result("person", 1f, null, null, UserView.of(p), null, null));
        for (var c : r.channels()) out.add(new Result("channel", 1f, null, null, null, ChatView.of(c), null));
        for (var h : r.messages()) {
            out.add(new Result("message", h.score(), Map.of("content", h.fragments()), MessageView.of(h.message()), null, null, null));
        }
        for (var f : r.files()) out.add(new Result("file", 1f, null, null, null, null, FileView.of(f)));
        return new SearchResultsView(out, r.total(), r.cursor());
    }
}
