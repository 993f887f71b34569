package io.parley.core.realtime;

import java.time.Instant;
import java.util.UUID;

/**
 * A user's presence as others see it.
 *
 * @param lastSeen the last client activity while connected, or when the last connection closed; null if
 *                 the user has not been seen since this node started
 */
public record UserPresence(UUID userId, PresenceStatus status, Instant lastSeen) {}
