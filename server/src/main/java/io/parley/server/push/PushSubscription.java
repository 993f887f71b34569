package io.parley.server.push;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One browser's push subscription for one user: where to POST (the push service's endpoint) and the keys to
 * encrypt for (RFC 8291).
 *
 * @param p256dh the user agent's public key, base64url of a 65-byte uncompressed P-256 point
 * @param auth the 16-byte authentication secret, base64url
 * @param expiresAt when the push service said the subscription ends, or null
 */
public record PushSubscription(UUID id, UUID userId, String endpoint, String p256dh, String auth, Instant expiresAt,
                               Instant createdAt) {
    public PushSubscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(p256dh, "p256dh");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
