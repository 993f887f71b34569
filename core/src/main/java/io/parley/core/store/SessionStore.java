package io.parley.core.store;

import io.parley.core.auth.AuthSession;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Sign-in sessions and their access tokens, both keyed by token hashes only. */
public interface SessionStore {
    /** An access token's grant as stored. */
    record AccessGrant(UUID sessionId, UUID userId, Instant expiresAt, boolean sessionActive) {}

    void insertSession(AuthSession session);

    Optional<AuthSession> sessionByRefreshHash(String refreshHash);

    Optional<AuthSession> sessionById(UUID id);

    /** Replaces the refresh token of a live session (rotation on every refresh). {@return false if it was revoked meanwhile} */
    boolean rotateRefresh(UUID sessionId, String oldRefreshHash, String newRefreshHash, Instant expiresAt);

    void insertAccessToken(String tokenHash, UUID sessionId, UUID userId, Instant expiresAt);

    /** {@return the grant for an access token hash, if any} */
    Optional<AccessGrant> accessGrant(String tokenHash, Instant now);

    void revokeSession(UUID sessionId, Instant at);

    /** Revokes every live session of a user except {@code keep} (may be null). {@return the ids revoked} */
    Set<UUID> revokeAllSessions(UUID userId, UUID keep, Instant at);

    /** {@return those of the given sessions that are revoked or expired at {@code now}} */
    Set<UUID> inactiveAmong(Collection<UUID> sessionIds, Instant now);

    /** Deletes access tokens that expired before {@code before}. */
    void purgeExpiredAccessTokens(Instant before);
}
