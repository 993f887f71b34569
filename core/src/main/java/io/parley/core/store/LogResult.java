package io.parley.core.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;

import java.util.List;

/**
 * What a committed command did: the events it appended (none for a retry or a no-op), the
 * message as it stands after them, and the seq the client's ack refers to.
 *
 * @param duplicate true when this was a retry of an already applied command
 */
public record LogResult(List<ChatEvent> events, Message message, long seq, boolean duplicate) {
    public LogResult {
        events = List.copyOf(events);
    }
}
