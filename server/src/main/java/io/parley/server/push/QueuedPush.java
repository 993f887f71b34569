package io.parley.server.push;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A row of the durable push queue, claimed for delivery, with the subscription it goes to.
 *
 * @param payload the plaintext JSON (encrypted only when sent, with a fresh key each attempt)
 * @param urgent whether it goes with {@code Urgency: high}
 * @param attempts failed attempts so far
 */
public record QueuedPush(UUID id, PushSubscription subscription, String payload, boolean urgent, int attempts,
                         Instant createdAt) {
    public QueuedPush {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
