package io.parley.server.store;

import io.parley.server.push.QueuedPush;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code push_queue} table; part of the push aggregate ({@link SqlPushStore} delegates here). */
final class PushQueueTable {
    private static final String INSERT = "INSERT INTO push_queue (id, subscription_id, payload, urgent, attempts,"
            + " next_attempt_at, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)";
    // The row and its subscription in one read; the subscription's columns keep their names.
    private static final String DUE = "SELECT q.id AS q_id, q.payload, q.urgent, q.attempts, q.next_attempt_at,"
            + " q.created_at AS q_created_at, s.id, s.user_id, s.endpoint, s.p256dh, s.auth, s.expires_at, s.created_at"
            + " FROM push_queue q JOIN push_subscriptions s ON s.id = q.subscription_id"
            + " WHERE q.next_attempt_at <= ? ORDER BY q.next_attempt_at, q.id LIMIT ?";
    // Compare-and-set on next_attempt_at: of two nodes claiming the same row, one updates it.
    private static final String CLAIM = "UPDATE push_queue SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ?";
    private static final String RESCHEDULE = "UPDATE push_queue SET attempts = ?, next_attempt_at = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM push_queue WHERE id = ?";
    private static final String DELETE_OF_SUBSCRIPTION = "DELETE FROM push_queue WHERE subscription_id = ?";
    private static final String NEXT_DUE = "SELECT MIN(next_attempt_at) AS next FROM push_queue";
    private static final String COUNT = "SELECT COUNT(*) AS n FROM push_queue";

    private PushQueueTable() {}

    static void insert(Connection c, List<UUID> ids, List<UUID> subscriptionIds, String payload, boolean urgent, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int i = 0; i < ids.size(); i++) {
                Cols.uuid(ps, 1, ids.get(i));
                Cols.uuid(ps, 2, subscriptionIds.get(i));
                ps.setString(3, payload);
                Cols.bool(ps, 4, urgent);
                Cols.instant(ps, 5, now);
                Cols.instant(ps, 6, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static List<QueuedPush> claimDue(Connection c, Instant now, Instant leaseUntil, int limit) throws SQLException {
        record Due(QueuedPush push, long nextAttemptAt) {}
        List<Due> due = Sql.list(c, DUE, a -> a.instant(now).num(limit), rs -> new Due(new QueuedPush(Cols.uuid(rs, "q_id"),
                PushSubscriptionsTable.map(rs), rs.getString("payload"), Cols.bool(rs, "urgent"), rs.getInt("attempts"),
                Cols.instant(rs, "q_created_at")), rs.getLong("next_attempt_at")));
        int[] claimed = Sql.updateEach(c, CLAIM, due, (a, d) -> a.instant(leaseUntil).uuid(d.push().id()).num(d.nextAttemptAt()));
        List<QueuedPush> won = new ArrayList<>();
        for (int k = 0; k < claimed.length; k++) if (claimed[k] == 1) won.add(due.get(k).push());
        return won;
    }

    static void reschedule(Connection c, UUID id, int attempts, Instant next) throws SQLException {
        Sql.update(c, RESCHEDULE, a -> a.integer(attempts).instant(next).uuid(id));
    }

    static void delete(Connection c, UUID id) throws SQLException {
        Sql.update(c, DELETE, a -> a.uuid(id));
    }

    static void deleteOfSubscription(Connection c, UUID subscriptionId) throws SQLException {
        Sql.update(c, DELETE_OF_SUBSCRIPTION, a -> a.uuid(subscriptionId));
    }

    static Optional<Instant> nextDue(Connection c) throws SQLException {
        return Sql.one(c, NEXT_DUE, Sql.NONE, rs -> Cols.instant(rs, "next"));
    }

    static long count(Connection c) throws SQLException {
        return Sql.longOr(c, COUNT, Sql.NONE, 0L);
    }
}
