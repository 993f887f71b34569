package io.parley.core.bus;

import java.util.UUID;

/** What a node can declare interest in on a {@linkplain Bus#selective() selective} bus. */
public sealed interface Topic {
    /** The events of one chat: committed log events, typing, read marks, urgent markers. */
    record Chat(UUID chatId) implements Topic {}

    /** The events addressed to one user: session revocations. */
    record User(UUID userId) implements Topic {}
}
