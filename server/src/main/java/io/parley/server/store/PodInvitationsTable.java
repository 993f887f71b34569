package io.parley.server.store;

import io.parley.server.federation.link.PodStore.InvitationUse;
import io.parley.server.federation.link.PodStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code pod_invitations} table: one-time peering tokens, by hash. */
final class PodInvitationsTable {
    private static final String INSERT = "INSERT INTO pod_invitations (id, token_hash, created_by, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String BY_HASH = "SELECT id, expires_at, used_at FROM pod_invitations WHERE token_hash = ?";
    // "AND used_at IS NULL": of two nodes using one token at once, exactly one updates the row.
    private static final String USE = "UPDATE pod_invitations SET used_at = ?, used_by_pod = ? WHERE id = ? AND used_at IS NULL";

    private PodInvitationsTable() {}

    static void insert(Connection c, PodStore.Invitation inv) throws SQLException {
        Sql.update(c, INSERT, a -> a.uuid(inv.id()).text(inv.tokenHash()).uuid(inv.createdBy()).instant(inv.createdAt())
                .instant(inv.expiresAt()));
    }

    static InvitationUse use(Connection c, String tokenHash, String podId, Instant now) throws SQLException {
        record Found(String id, Instant expiresAt, Instant usedAt) {}
        Optional<Found> found = Sql.one(c, BY_HASH, a -> a.text(tokenHash),
                rs -> new Found(rs.getString("id"), Cols.instant(rs, "expires_at"), Cols.instant(rs, "used_at")));
        if (found.isEmpty()) return InvitationUse.UNKNOWN;
        Found inv = found.get();
        if (inv.usedAt() != null) return InvitationUse.ALREADY_USED;
        if (!inv.expiresAt().isAfter(now)) return InvitationUse.EXPIRED;
        return Sql.update(c, USE, a -> a.instant(now).text(podId).text(inv.id())) == 1 ? InvitationUse.ACCEPTED : InvitationUse.ALREADY_USED;
    }
}
