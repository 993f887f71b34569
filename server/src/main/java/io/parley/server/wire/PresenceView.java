package io.parley.server.wire;

import io.parley.core.realtime.UserPresence;

import java.time.Instant;
import java.util.UUID;

/** A user's presence, as REST and the {@code presence.*} frames show it; {@code lastSeen} is left out when unknown. */
public record PresenceView(UUID userId, String status, Instant lastSeen) {
    public static PresenceView of(UserPresence p) {
        return new PresenceView(p.userId(), p.status().wire(), p.lastSeen());
    }
}
