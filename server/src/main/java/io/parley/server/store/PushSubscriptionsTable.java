package io.parley.server.store;

import io.parley.server.push.PushSubscription;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        Sql.update(c, INSERT, a -> a.uuid(s.id()).uuid(s.userId()).text(s.endpoint()).text(s.p256dh()).text(s.auth())
                .instant(s.expiresAt()).instant(s.createdAt()));
    }

    static void updateKeys(Connection c, PushSubscription s) throws SQLException {
        Sql.update(c, UPDATE_KEYS, a -> a.text(s.p256dh()).text(s.auth()).instant(s.expiresAt()).uuid(s.id()));
    }

    static Optional<PushSubscription> byId(Connection c, UUID id) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.uuid(id), PushSubscriptionsTable::map);
    }

    static Optional<PushSubscription> byEndpoint(Connection c, String endpoint) throws SQLException {
        return Sql.one(c, BY_ENDPOINT, a -> a.text(endpoint), PushSubscriptionsTable::map);
    }

    static List<PushSubscription> ofUser(Connection c, UUID userId) throws SQLException {
        return Sql.list(c, OF_USER, a -> a.uuid(userId), PushSubscriptionsTable::map);
    }

    static boolean delete(Connection c, UUID id) throws SQLException {
        return Sql.update(c, DELETE, a -> a.uuid(id)) == 1;
    }

    /** Maps the subscription columns (a join keeps their names; the queue's own columns are aliased). */
    static PushSubscription map(ResultSet rs) throws SQLException {
        return new PushSubscription(Cols.uuid(rs, "id"), Cols.uuid(rs, "user_id"), rs.getString("endpoint"),
                rs.getString("p256dh"), rs.getString("auth"), Cols.instant(rs, "expires_at"), Cols.instant(rs, "created_at"));
    }
}
