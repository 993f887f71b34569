package io.parley.server.store;

import io.parley.server.push.PushSubscription;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code push_subscriptions} table; part of the push aggregate ({@link SqlPushStore} delegates here). */
final class PushSubscriptionsTable {
    static final String COLUMNS = "id, user_id, endpoint, p256dh, auth, expires_at, created_at";
    private static final String INSERT = "INSERT INTO push_subscriptions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_KEYS = "UPDATE push_subscriptions SET p256dh = ?, auth = ?, expires_at = ? WHERE id = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM push_subscriptions WHERE id = ?";
    private static final String BY_ENDPOINT = "SELECT " + COLUMNS + " FROM push_subscriptions WHERE endpoint = ?";
    private static final String OF_USER = "SELECT " + COLUMNS + " FROM push_subscriptions WHERE user_id = ?"
            + " ORDER BY created_at, id";
    private static final String DELETE = "DELETE FROM push_subscriptions WHERE id = ?";

    private PushSubscriptionsTable() {}

    static void insert(Connection c, PushSubscription s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            Cols.uuid(ps, 1, s.id());
            Cols.uuid(ps, 2, s.userId());
            ps.setString(3, s.endpoint());
            ps.setString(4, s.p256dh());
            ps.setString(5, s.auth());
            Cols.instant(ps, 6, s.expiresAt());
            Cols.instant(ps, 7, s.createdAt());
            ps.executeUpdate();
        }
    }

    static void updateKeys(Connection c, PushSubscription s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE_KEYS)) {
            ps.setString(1, s.p256dh());
            ps.setString(2, s.auth());
            Cols.instant(ps, 3, s.expiresAt());
            Cols.uuid(ps, 4, s.id());
            ps.executeUpdate();
        }
    }

    static Optional<PushSubscription> byId(Connection c, UUID id) throws SQLException {
        return one(c, BY_ID, id.toString());
    }

    static Optional<PushSubscription> byEndpoint(Connection c, String endpoint) throws SQLException {
        return one(c, BY_ENDPOINT, endpoint);
    }

    static List<PushSubscription> ofUser(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OF_USER)) {
            Cols.uuid(ps, 1, userId);
            List<PushSubscription> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
            return out;
        }
    }

    static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            Cols.uuid(ps, 1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<PushSubscription> one(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Maps the subscription columns (a join keeps their names; the queue's own columns are aliased). */
    static PushSubscription map(ResultSet rs) throws SQLException {
        return new PushSubscription(Cols.uuid(rs, "id"), Cols.uuid(rs, "user_id"), rs.getString("endpoint"),
                rs.getString("p256dh"), rs.getString("auth"), Cols.instant(rs, "expires_at"), Cols.instant(rs, "created_at"));
    }
}
