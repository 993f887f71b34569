package io.parley.server.store;

import io.parley.server.federation.link.PodStore.InvitationUse;
import io.parley.server.federation.link.PodStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** The {@code pod_invitations} table: one-time peering tokens, by hash. */
final class PodInvitationsTable {
    private static final String INSERT = "INSERT INTO pod_invitations (id, token_hash, created_by, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String BY_HASH = "SELECT id, expires_at, used_at FROM pod_invitations WHERE token_hash = ?";
    // "AND used_at IS NULL": of two nodes using one token at once, exactly one updates the row.
    private static final String USE = "UPDATE pod_invitations SET used_at = ?, used_by_pod = ? WHERE id = ? AND used_at IS NULL";

    private PodInvitationsTable() {}

    static void insert(Connection c, PodStore.Invitation inv) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            Cols.uuid(ps, 1, inv.id());
            ps.setString(2, inv.tokenHash());
            Cols.uuid(ps, 3, inv.createdBy());
            Cols.instant(ps, 4, inv.createdAt());
            Cols.instant(ps, 5, inv.expiresAt());
            ps.executeUpdate();
        }
    }

    static InvitationUse use(Connection c, String tokenHash, String podId, Instant now) throws SQLException {
        String id;
        try (PreparedStatement ps = c.prepareStatement(BY_HASH)) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return InvitationUse.UNKNOWN;
                if (Cols.instant(rs, "used_at") != null) return InvitationUse.ALREADY_USED;
                if (!Cols.instant(rs, "expires_at").isAfter(now)) return InvitationUse.EXPIRED;
                id = rs.getString("id");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(USE)) {
            Cols.instant(ps, 1, now);
            ps.setString(2, podId);
            ps.setString(3, id);
            return ps.executeUpdate() == 1 ? InvitationUse.ACCEPTED : InvitationUse.ALREADY_USED;
        }
    }
}
