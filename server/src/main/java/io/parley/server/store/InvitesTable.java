package io.parley.server.store;

import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Role;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code invites} table; part of the workspace aggregate ({@link SqlWorkspaceStore} delegates here). */
final class InvitesTable {
    private static final String COLUMNS =
            "id, workspace_id, code_hash, role, email, created_by, created_at, expires_at, max_uses, uses, revoked";
    private static final String INSERT = "INSERT INTO invites (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_CODE = "SELECT " + COLUMNS + " FROM invites WHERE code_hash = ?";
    private static final String OF_WORKSPACE = "SELECT " + COLUMNS + " FROM invites WHERE workspace_id = ?"
            + " ORDER BY created_at, id";
    // One statement checks and counts, so two concurrent redemptions cannot both take the last use.
    private static final String USE = "UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked = 0"
            + " AND expires_at > ? AND (max_uses = 0 OR uses < max_uses)";
    private static final String REVOKE = "UPDATE invites SET revoked = 1 WHERE id = ?";

    private InvitesTable() {}

    static void insert(Connection c, Invite i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            Cols.uuid(ps, 1, i.id());
            Cols.uuid(ps, 2, i.workspaceId());
            ps.setString(3, i.codeHash());
            ps.setString(4, i.role().wire());
            ps.setString(5, i.email());
            Cols.uuid(ps, 6, i.createdBy());
            Cols.instant(ps, 7, i.createdAt());
            Cols.instant(ps, 8, i.expiresAt());
            ps.setInt(9, i.maxUses());
            ps.setInt(10, i.uses());
            Cols.bool(ps, 11, i.revoked());
            ps.executeUpdate();
        }
    }

    static Optional<Invite> byCodeHash(Connection c, String codeHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_CODE)) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    static List<Invite> ofWorkspace(Connection c, UUID workspaceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OF_WORKSPACE)) {
            Cols.uuid(ps, 1, workspaceId);
            List<Invite> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
            return out;
        }
    }

    static boolean use(Connection c, UUID inviteId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(USE)) {
            Cols.uuid(ps, 1, inviteId);
            Cols.instant(ps, 2, now);
            return ps.executeUpdate() == 1;
        }
    }

    static void revoke(Connection c, UUID inviteId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
            Cols.uuid(ps, 1, inviteId);
            ps.executeUpdate();
        }
    }

    private static Invite map(ResultSet rs) throws SQLException {
        return new Invite(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), rs.getString("code_hash"),
                Role.fromWire(rs.getString("role")), rs.getString("email"), Cols.uuid(rs, "created_by"),
                Cols.instant(rs, "created_at"), Cols.instant(rs, "expires_at"), rs.getInt("max_uses"),
                rs.getInt("uses"), Cols.bool(rs, "revoked"));
    }
}
