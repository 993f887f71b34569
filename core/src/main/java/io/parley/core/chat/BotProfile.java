package io.parley.core.chat;

/**
 * How a message posted by an integration (an incoming webhook) is shown: the name and icon the
 * integration asked for, on top of its bot identity. Display only: it grants nothing, and readers
 * are told it is a bot.
 *
 * @param iconEmoji a :shortcode:, or null
 * @param iconUrl an http(s) URL, or null
 */
public record BotProfile(String name, String iconEmoji, String iconUrl) {
    /** Longest display name kept. */
    public static final int MAX_NAME = 80;

    public BotProfile {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a bot needs a name");
    }
}
