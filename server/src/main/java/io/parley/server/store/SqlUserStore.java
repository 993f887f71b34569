package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.core.error.ParleyException;
import io.parley.core.store.UserStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    Cols.uuid(ps, 1, u.id());
                    ps.setString(2, u.email());
                    ps.setString(3, u.handle());
                    ps.setString(4, u.displayName());
                    ps.setString(5, u.passwordHash());
                    Cols.instant(ps, 6, u.createdAt());
                    Cols.bool(ps, 7, u.deactivated());
                    return ps.executeUpdate();
                }
            });
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
        return db.read(c -> {
            List<User> out = new ArrayList<>();
            for (List<UUID> chunk : Cols.chunks(new LinkedHashSet<>(ids), 500)) {
                try (PreparedStatement ps = c.prepareStatement(BY_IDS.formatted(Cols.placeholders(chunk.size())))) {
                    for (int i = 0; i < chunk.size(); i++) Cols.uuid(ps, i + 1, chunk.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(map(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void updateProfile(UUID id, String handle, String displayName) {
        try {
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(UPDATE_PROFILE)) {
                    ps.setString(1, handle);
                    ps.setString(2, displayName);
                    Cols.uuid(ps, 3, id);
                    return ps.executeUpdate();
                }
            });
        } catch (ParleyException e) {
            throw rename(e, "handle is taken");
        }
    }

    @Override
    public void updatePasswordHash(UUID id, String passwordHash) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(UPDATE_PASSWORD)) {
                ps.setString(1, passwordHash);
                Cols.uuid(ps, 2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public long count() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNT); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private Optional<User> one(String sql, String key) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
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
