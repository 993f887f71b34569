package io.parley.core.chat;

import java.util.List;
import java.util.UUID;

/** One emoji on a message and who put it there (an add/remove set per user). */
public record Reaction(String emoji, List<UUID> users) {
    public Reaction {
        users = List.copyOf(users);
    }

    /** {@return how many users reacted with this emoji} */
    public int count() { return users.size(); }
}
