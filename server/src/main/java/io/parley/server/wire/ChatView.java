package io.parley.server.wire;

import io.parley.core.chat.Chat;

import java.time.Instant;
import java.util.UUID;

/** A chat on the wire. {@code lastSeq} is the latest event's seq when read. */
public record ChatView(UUID id, UUID workspaceId, String kind, String name, String topic, String purpose,
                       boolean archived, UUID createdBy, Instant createdAt, long lastSeq) {
    public static ChatView of(Chat c) {
        return new ChatView(c.id(), c.workspaceId(), c.kind().wire(), c.name(), c.topic(), c.purpose(), c.archived(),
                c.createdBy(), c.createdAt(), c.lastSeq());
    }
}
