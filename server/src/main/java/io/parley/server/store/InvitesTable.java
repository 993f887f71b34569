package io.parley.server.store;

import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Role;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
        Sql.update(c, INSERT, a -> a.uuid(i.id()).uuid(i.workspaceId()).text(i.codeHash()).text(i.role().wire()).text(i.email())
                .uuid(i.createdBy()).instant(i.createdAt()).instant(i.expiresAt()).integer(i.maxUses()).integer(i.uses()).bool(i.revoked()));
    }

    static Optional<Invite> byCodeHash(Connection c, String codeHash) throws SQLException {
        return Sql.one(c, BY_CODE, a -> a.text(codeHash), InvitesTable::map);
    }

    static List<Invite> ofWorkspace(Connection c, UUID workspaceId) throws SQLException {
        return Sql.list(c, OF_WORKSPACE, a -> a.uuid(workspaceId), InvitesTable::map);
    }

    static boolean use(Connection c, UUID inviteId, Instant now) throws SQLException {
        return Sql.update(c, USE, a -> a.uuid(inviteId).instant(now)) == 1;
    }

    static void revoke(Connection c, UUID inviteId) throws SQLException {
        Sql.update(c, REVOKE, a -> a.uuid(inviteId));
    }

    private static Invite map(ResultSet rs) throws SQLException {
        return new Invite(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), rs.getString("code_hash"),
                Role.fromWire(rs.getString("role")), rs.getString("email"), Cols.uuid(rs, "created_by"),
                Cols.instant(rs, "created_at"), Cols.instant(rs, "expires_at"), rs.getInt("max_uses"),
                rs.getInt("uses"), Cols.bool(rs, "revoked"));
    }
}
