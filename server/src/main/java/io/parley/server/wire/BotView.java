package io.parley.server.wire;

import io.parley.core.chat.BotProfile;

/** How an integration's post is shown: clients show this name (marked as an app) instead of the sender's. */
public record BotView(String name, String iconEmoji, String iconUrl) {
    public static BotView of(BotProfile b) {
        return b == null ? null : new BotView(b.name(), b.iconEmoji(), b.iconUrl());
    }
}
