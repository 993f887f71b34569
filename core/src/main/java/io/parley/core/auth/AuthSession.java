package io.parley.core.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * A sign-in: one refresh token, and the access tokens minted from it. Tokens are stored only as
 * hashes. Revoking the session (logout, password change, removal) invalidates every token of it.
 */
public record AuthSession(UUID id, UUID userId, String refreshHash, Instant refreshExpiresAt,
                          Instant createdAt, Instant revokedAt) {
    /** {@return whether the session is still good at {@code now}} */
    public boolean activeAt(Instant now) {
        return revokedAt == null && now.isBefore(refreshExpiresAt);
    }
}
