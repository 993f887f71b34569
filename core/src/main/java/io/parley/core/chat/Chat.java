package io.parley.core.chat;

import java.time.Instant;
import java.util.UUID;

/**
 * A conversation: a channel, a DM or a group DM. Every chat is a log; {@code lastSeq} is the
 * sequence number of its latest event. DMs and group DMs have no name; {@code dmKey} makes
 * opening the same DM twice return the same chat.
 */
public record Chat(UUID id, UUID workspaceId, ChatKind kind, String name, String topic, String purpose,
                   boolean archived, UUID createdBy, Instant createdAt, long lastSeq, String dmKey) {}
