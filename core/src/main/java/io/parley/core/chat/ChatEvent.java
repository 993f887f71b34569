package io.parley.core.chat;

import java.time.Instant;
import java.util.UUID;

/**
 * One committed entry of a chat's log, with the message as it stood after the event.
 * Sync replays these in {@code seq} order; live delivery sends each once per session.
 *
 * @param workspaceId the chat's workspace (routing)
 * @param actorId who caused the event
 * @param emoji the reaction for reaction events, otherwise null
 */
public record ChatEvent(UUID workspaceId, UUID chatId, long seq, EventType type, UUID actorId, String emoji,
                        Message message, Instant at) {}
