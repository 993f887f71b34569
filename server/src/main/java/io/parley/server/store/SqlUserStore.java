package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.core.error.ParleyException;
import io.parley.core.store.UserStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code users} table (SQLite and PostgreSQL). */
public final class SqlUserStore implements UserStore {
    private static final String COLUMNS = "id, email, handle, display_name, password_hash, created_at, deactivated";
    private static final String INSERT = "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = ?";
    private static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(?)";
    private static final String BY_HANDLE = "SELECT " + COLUMNS + " FROM users WHERE lower(handle) = lower(?)";
    private static final String BY_IDS = "SELECT " + COLUMNS + " FROM users WHERE id IN (%s)";
    private static final String UPDATE_PROFILE = "UPDATE users SET handle = ?, display_name = ? WHERE id = ?";
    private static final String UPDATE_PASSWORD = "UPDATE users SET password_hash = ? WHERE id = ?";
    private static final String COUNT = "SELECT COUNT(*) FROM users";

    private final Db db;

    SqlUserStore(Db db) { this.db = db; }

    @Override
    public void insert(User u) {
        try {
            db.write(c -> Sql.update(c, INSERT, a -> a.uuid(u.id()).text(u.email()).text(u.handle()).text(u.displayName())
                    .text(u.passwordHash()).instant(u.createdAt()).bool(u.deactivated())));
        } catch (ParleyException e) {
            throw rename(e, "e-mail or handle is taken");
        }
    }

    @Override
    public Optional<User> byId(UUID id) { return one(BY_ID, id.toString()); }

    @Override
    public Optional<User> byEmail(String email) { return one(BY_EMAIL, email); }

    @Override
    public Optional<User> byHandle(String handle) { return one(BY_HANDLE, handle); }

    @Override
    public List<User> byIds(Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read(c -> Sql.listIn(c, BY_IDS, new LinkedHashSet<>(ids), Sql.Args::uuids, SqlUserStore::map));
    }

    @Override
    public void updateProfile(UUID id, String handle, String displayName) {
        try {
            db.write(c -> Sql.update(c, UPDATE_PROFILE, a -> a.text(handle).text(displayName).uuid(id)));
        } catch (ParleyException e) {
            throw rename(e, "handle is taken");
        }
    }

    @Override
    public void updatePasswordHash(UUID id, String passwordHash) {
        db.write(c -> Sql.update(c, UPDATE_PASSWORD, a -> a.text(passwordHash).uuid(id)));
    }

    @Override
    public long count() {
        return db.read(c -> Sql.longOr(c, COUNT, Sql.NONE, 0L));
    }

    private Optional<User> one(String sql, String key) {
        return db.read(c -> Sql.one(c, sql, a -> a.text(key), SqlUserStore::map));
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(Cols.uuid(rs, "id"), rs.getString("email"), rs.getString("handle"),
                rs.getString("display_name"), rs.getString("password_hash"), Cols.instant(rs, "created_at"),
                Cols.bool(rs, "deactivated"));
    }

    /** {@return a conflict with a message that names what collided; other errors unchanged} */
    static ParleyException rename(ParleyException e, String message) {
        if (e.code() != io.parley.core.error.ErrorCode.CONFLICT) return e;
        return ParleyException.conflict(message);
    }
}
