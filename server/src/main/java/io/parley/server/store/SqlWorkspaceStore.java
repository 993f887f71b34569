package io.parley.server.store;

import io.parley.core.error.ParleyException;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code workspaces} and {@code workspace_members} tables, and invites through {@link InvitesTable}. */
public final class SqlWorkspaceStore implements WorkspaceStore {
    private static final String COLUMNS = "w.id, w.name, w.slug, w.created_by, w.created_at, w.open_signup";
    private static final String INSERT = "INSERT INTO workspaces (id, name, slug, created_by, created_at, open_signup)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM workspaces w WHERE w.id = ?";
    private static final String BY_SLUG = "SELECT " + COLUMNS + " FROM workspaces w WHERE lower(w.slug) = lower(?)";
    private static final String FOR_USER = "SELECT " + COLUMNS + " FROM workspaces w"
            + " JOIN workspace_members m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.created_at, w.id";
    private static final String UPDATE = "UPDATE workspaces SET name = ?, open_signup = ? WHERE id = ?";

    private static final String MEMBER_COLUMNS = "workspace_id, user_id, role, joined_at";
    private static final String ADD_MEMBER = "INSERT INTO workspace_members (" + MEMBER_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, user_id) DO NOTHING";
    private static final String MEMBERSHIP = "SELECT " + MEMBER_COLUMNS + " FROM workspace_members"
            + " WHERE workspace_id = ? AND user_id = ?";
    private static final String MEMBERS = "SELECT " + MEMBER_COLUMNS + " FROM workspace_members"
            + " WHERE workspace_id = ? ORDER BY joined_at, user_id";
    private static final String SET_ROLE = "UPDATE workspace_members SET role = ? WHERE workspace_id = ? AND user_id = ?";
    private static final String REMOVE_MEMBER = "DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?";
    private static final String REMOVE_FROM_CHATS = "DELETE FROM chat_members WHERE user_id = ?"
            + " AND chat_id IN (SELECT id FROM chats WHERE workspace_id = ?)";

    private final Db db;

    SqlWorkspaceStore(Db db) { this.db = db; }

    @Override
    public void create(Workspace w, Membership owner) {
        try {
            db.write(c -> {
                Sql.update(c, INSERT, a -> a.uuid(w.id()).text(w.name()).text(w.slug()).uuid(w.createdBy()).instant(w.createdAt())
                        .bool(w.openSignup()));
                return addMember(c, owner);
            });
        } catch (ParleyException e) {
            throw SqlUserStore.rename(e, "slug is taken");
        }
    }

    @Override
    public Optional<Workspace> byId(UUID id) { return one(BY_ID, id.toString()); }

    @Override
    public Optional<Workspace> bySlug(String slug) { return one(BY_SLUG, slug); }

    @Override
    public List<Workspace> forUser(UUID userId) {
        return db.read(c -> Sql.list(c, FOR_USER, a -> a.uuid(userId), SqlWorkspaceStore::map));
    }

    @Override
    public void update(UUID id, String name, boolean openSignup) {
        db.write(c -> Sql.update(c, UPDATE, a -> a.text(name).bool(openSignup).uuid(id)));
    }

    @Override
    public boolean addMember(Membership m) { return db.write(c -> addMember(c, m)); }

    @Override
    public Optional<Membership> membership(UUID workspaceId, UUID userId) {
        return db.read(c -> Sql.one(c, MEMBERSHIP, a -> a.uuid(workspaceId).uuid(userId), SqlWorkspaceStore::mapMember));
    }

    @Override
    public List<Membership> members(UUID workspaceId) {
        return db.read(c -> Sql.list(c, MEMBERS, a -> a.uuid(workspaceId), SqlWorkspaceStore::mapMember));
    }

    @Override
    public void setRole(UUID workspaceId, UUID userId, Role role) {
        db.write(c -> Sql.update(c, SET_ROLE, a -> a.text(role.wire()).uuid(workspaceId).uuid(userId)));
    }

    @Override
    public void removeMember(UUID workspaceId, UUID userId) {
        db.write(c -> {
            Sql.update(c, REMOVE_FROM_CHATS, a -> a.uuid(userId).uuid(workspaceId));
            return Sql.update(c, REMOVE_MEMBER, a -> a.uuid(workspaceId).uuid(userId));
        });
    }

    @Override
    public void insertInvite(Invite invite) {
        try {
            db.write(c -> {
                InvitesTable.insert(c, invite);
                return null;
            });
        } catch (ParleyException e) {
            throw SqlUserStore.rename(e, "invite code already exists");
        }
    }

    @Override
    public Optional<Invite> inviteByCodeHash(String codeHash) { return db.read(c -> InvitesTable.byCodeHash(c, codeHash)); }

    @Override
    public List<Invite> invites(UUID workspaceId) { return db.read(c -> InvitesTable.ofWorkspace(c, workspaceId)); }

    @Override
    public boolean useInvite(UUID inviteId, Instant now) { return db.write(c -> InvitesTable.use(c, inviteId, now)); }

    @Override
    public void revokeInvite(UUID inviteId) {
        db.write(c -> {
            InvitesTable.revoke(c, inviteId);
            return null;
        });
    }

    private static boolean addMember(Connection c, Membership m) throws SQLException {
        return Sql.update(c, ADD_MEMBER, a -> a.uuid(m.workspaceId()).uuid(m.userId()).text(m.role().wire()).instant(m.joinedAt())) == 1;
    }

    private Optional<Workspace> one(String sql, String key) {
        return db.read(c -> Sql.one(c, sql, a -> a.text(key), SqlWorkspaceStore::map));
    }

    private static Workspace map(ResultSet rs) throws SQLException {
        return new Workspace(Cols.uuid(rs, "id"), rs.getString("name"), rs.getString("slug"),
                Cols.uuid(rs, "created_by"), Cols.instant(rs, "created_at"), Cols.bool(rs, "open_signup"));
    }

    private static Membership mapMember(ResultSet rs) throws SQLException {
        return new Membership(Cols.uuid(rs, "workspace_id"), Cols.uuid(rs, "user_id"), Role.fromWire(rs.getString("role")),
                Cols.instant(rs, "joined_at"));
    }
}
