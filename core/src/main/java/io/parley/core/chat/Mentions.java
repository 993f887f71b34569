package io.parley.core.chat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mentions in a message: handles ({@code @ana}), {@code @channel} and {@code @here}.
 * Handles are stored as written (lower-cased); resolving them to users is the service's job.
 */
public record Mentions(List<String> handles, boolean channel, boolean here) {
    public static final Mentions NONE = new Mentions(List.of(), false, false);

    // A mention starts at the beginning or after a character that cannot be part of a word or an
    // e-mail address, so "ana@example.com" mentions nobody.
    private static final Pattern MENTION = Pattern.compile("(?<![\\w.@])@([a-z0-9][a-z0-9._-]{0,39})",
            Pattern.CASE_INSENSITIVE);

    public Mentions {
        handles = List.copyOf(handles);
    }

    /** {@return the mentions found in message content} */
    public static Mentions parse(String content) {
        if (content.indexOf('@') < 0) return NONE; // most messages: skip the regex
        Matcher m = MENTION.matcher(content);
        Set<String> handles = new LinkedHashSet<>();
        boolean channel = false;
        boolean here = false;
        while (m.find()) {
            String h = m.group(1).toLowerCase(java.util.Locale.ROOT);
            while (h.endsWith(".") || h.endsWith("-")) h = h.substring(0, h.length() - 1); // trailing punctuation
            switch (h) {
                case "channel", "everyone" -> channel = true;
                case "here" -> here = true;
                default -> handles.add(h);
            }
        }
        if (handles.isEmpty() && !channel && !here) return NONE;
        return new Mentions(new ArrayList<>(handles), channel, here);
    }
}
