package io.parley.server.store;

import io.parley.core.auth.AuthSession;
import io.parley.core.store.SessionStore;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The {@code auth_sessions} and {@code access_tokens} tables: one aggregate, keyed by token hashes only. */
public final class SqlSessionStore implements SessionStore {
    private static final String COLUMNS = "id, user_id, refresh_hash, refresh_expires_at, created_at, revoked_at";
    private static final String INSERT_SESSION = "INSERT INTO auth_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
    private static final String BY_REFRESH = "SELECT " + COLUMNS + " FROM auth_sessions WHERE refresh_hash = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM auth_sessions WHERE id = ?";
    private static final String ROTATE = "UPDATE auth_sessions SET refresh_hash = ?, refresh_expires_at = ?"
            + " WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL";
    private static final String INSERT_TOKEN =
            "INSERT INTO access_tokens (token_hash, session_id, user_id, expires_at) VALUES (?, ?, ?, ?)";
    private static final String GRANT = "SELECT t.session_id, t.user_id, t.expires_at, s.revoked_at, s.refresh_expires_at"
            + " FROM access_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = ?";
    private static final String REVOKE = "UPDATE auth_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    private static final String LIVE_OF_USER = "SELECT id FROM auth_sessions WHERE user_id = ? AND revoked_at IS NULL";
    private static final String INACTIVE_AMONG = "SELECT id FROM auth_sessions WHERE id IN (%s)"
            + " AND (revoked_at IS NOT NULL OR refresh_expires_at <= ?)";
    private static final String PURGE_TOKENS = "DELETE FROM access_tokens WHERE expires_at < ?";

    private final Db db;

    SqlSessionStore(Db db) { this.db = db; }

    @Override
    public void insertSession(AuthSession s) {
        db.write(c -> Sql.update(c, INSERT_SESSION, a -> a.uuid(s.id()).uuid(s.userId()).text(s.refreshHash())
                .instant(s.refreshExpiresAt()).instant(s.createdAt()).instant(s.revokedAt())));
    }

    @Override
    public Optional<AuthSession> sessionByRefreshHash(String refreshHash) { return one(BY_REFRESH, refreshHash); }

    @Override
    public Optional<AuthSession> sessionById(UUID id) { return one(BY_ID, id.toString()); }

    @Override
    public boolean rotateRefresh(UUID sessionId, String oldRefreshHash, String newRefreshHash, Instant expiresAt) {
        return db.write(c -> Sql.update(c, ROTATE, a -> a.text(newRefreshHash).instant(expiresAt).uuid(sessionId)
                .text(oldRefreshHash)) == 1);
    }

    @Override
    public void insertAccessToken(String tokenHash, UUID sessionId, UUID userId, Instant expiresAt) {
        db.write(c -> Sql.update(c, INSERT_TOKEN, a -> a.text(tokenHash).uuid(sessionId).uuid(userId).instant(expiresAt)));
    }

    @Override
    public Optional<AccessGrant> accessGrant(String tokenHash, Instant now) {
        return db.read(c -> Sql.one(c, GRANT, a -> a.text(tokenHash), rs -> {
            boolean active = Cols.instant(rs, "revoked_at") == null && now.isBefore(Cols.instant(rs, "refresh_expires_at"));
            return new AccessGrant(Cols.uuid(rs, "session_id"), Cols.uuid(rs, "user_id"), Cols.instant(rs, "expires_at"), active);
        }));
    }

    @Override
    public void revokeSession(UUID sessionId, Instant at) {
        db.write(c -> revoke(c, sessionId, at));
    }

    @Override
    public Set<UUID> revokeAllSessions(UUID userId, UUID keep, Instant at) {
        return db.write(c -> {
            Set<UUID> revoked = new LinkedHashSet<>(Sql.list(c, LIVE_OF_USER, a -> a.uuid(userId), rs -> Cols.uuid(rs, "id")));
            revoked.remove(keep);
            for (UUID id : revoked) revoke(c, id, at);
            return revoked;
        });
    }

    @Override
    public Set<UUID> inactiveAmong(Collection<UUID> sessionIds, Instant now) {
        if (sessionIds.isEmpty()) return Set.of();
        return db.read(c -> new HashSet<>(Sql.listIn(c, INACTIVE_AMONG, new LinkedHashSet<>(sessionIds),
                (a, ids) -> a.uuids(ids).instant(now), rs -> Cols.uuid(rs, "id"))));
    }

    @Override
    public void purgeExpiredAccessTokens(Instant before) {
        db.write(c -> Sql.update(c, PURGE_TOKENS, a -> a.instant(before)));
    }

    private static int revoke(java.sql.Connection c, UUID sessionId, Instant at) throws SQLException {
        return Sql.update(c, REVOKE, a -> a.instant(at).uuid(sessionId));
    }

    private Optional<AuthSession> one(String sql, String key) {
        return db.read(c -> Sql.one(c, sql, a -> a.text(key), rs -> new AuthSession(Cols.uuid(rs, "id"), Cols.uuid(rs, "user_id"),
                rs.getString("refresh_hash"), Cols.instant(rs, "refresh_expires_at"), Cols.instant(rs, "created_at"),
                Cols.instant(rs, "revoked_at"))));
    }
}
