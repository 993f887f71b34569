package io.parley.server.wire;

import io.parley.core.chat.ChatEvent;

import java.util.UUID;

/**
 * One log event inside a {@code sync.response}: its seq, the frame type it would have been delivered
 * as live ({@code message.new}, {@code message.updated}, {@code message.deleted}, {@code message.reaction}),
 * and the message as it stands.
 */
public record EventView(long seq, String type, UUID chatId, UUID messageId, UUID actorId, String emoji,
                        MessageView message) {
    public static EventView of(ChatEvent e) {
        return new EventView(e.seq(), e.type().frameType(), e.chatId(), e.message().id(), e.actorId(), e.emoji(),
                MessageView.of(e.message()));
    }
}
