package io.parley.server.store;

import io.parley.core.error.ParleyException;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
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
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    Cols.uuid(ps, 1, w.id());
                    ps.setString(2, w.name());
                    ps.setString(3, w.slug());
                    Cols.uuid(ps, 4, w.createdBy());
                    Cols.instant(ps, 5, w.createdAt());
                    Cols.bool(ps, 6, w.openSignup());
                    ps.executeUpdate();
                }
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
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(FOR_USER)) {
                Cols.uuid(ps, 1, userId);
                List<Workspace> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(map(rs));
                }
                return out;
            }
        });
    }

    @Override
    public void update(UUID id, String name, boolean openSignup) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                ps.setString(1, name);
                Cols.bool(ps, 2, openSignup);
                Cols.uuid(ps, 3, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean addMember(Membership m) { return db.write(c -> addMember(c, m)); }

    @Override
    public Optional<Membership> membership(UUID workspaceId, UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MEMBERSHIP)) {
                Cols.uuid(ps, 1, workspaceId);
                Cols.uuid(ps, 2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mapMember(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Membership> members(UUID workspaceId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MEMBERS)) {
                Cols.uuid(ps, 1, workspaceId);
                List<Membership> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(mapMember(rs));
                }
                return out;
            }
        });
    }

    @Override
    public void setRole(UUID workspaceId, UUID userId, Role role) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(SET_ROLE)) {
                ps.setString(1, role.wire());
                Cols.uuid(ps, 2, workspaceId);
                Cols.uuid(ps, 3, userId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void removeMember(UUID workspaceId, UUID userId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(REMOVE_FROM_CHATS)) {
                Cols.uuid(ps, 1, userId);
                Cols.uuid(ps, 2, workspaceId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(REMOVE_MEMBER)) {
                Cols.uuid(ps, 1, workspaceId);
                Cols.uuid(ps, 2, userId);
                return ps.executeUpdate();
            }
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
        try (PreparedStatement ps = c.prepareStatement(ADD_MEMBER)) {
            Cols.uuid(ps, 1, m.workspaceId());
            Cols.uuid(ps, 2, m.userId());
            ps.setString(3, m.role().wire());
            Cols.instant(ps, 4, m.joinedAt());
            return ps.executeUpdate() == 1;
        }
    }

    private Optional<Workspace> one(String sql, String key) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
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
