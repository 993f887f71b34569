package io.parley.server.store;

import io.parley.server.federation.org.ParkedOps.Pending;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The {@code org_pending} table (V65): inbound ops parked until the message they refer to arrives. */
final class OrgPendingTable {
    private static final String INSERT = "INSERT INTO org_pending (id, org_channel_id, origin_pod, waits_for, op, received_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String WAITING_FOR = "SELECT id, org_channel_id, origin_pod, waits_for, op FROM org_pending"
            + " WHERE waits_for = ? ORDER BY received_at, id";
    private static final String DELETE_WAITING_FOR = "DELETE FROM org_pending WHERE waits_for = ?";
    private static final String AWAITED = "SELECT DISTINCT waits_for FROM org_pending WHERE waits_for IN (%s)";

    private OrgPendingTable() {}

    /** Parks the op unless it is parked already (by id). */
    static void insert(Connection c, Pending op, Instant at) throws SQLException {
        Sql.update(c, INSERT, a -> a.uuid(op.id()).text(op.orgChannelId()).text(op.originPod()).uuid(op.waitsFor()).text(op.op())
                .instant(at));
    }

    /** Removes and {@return the ops waiting for the message, oldest first} (call in a write transaction) */
    static List<Pending> take(Connection c, UUID messageId) throws SQLException {
        List<Pending> out = Sql.list(c, WAITING_FOR, a -> a.uuid(messageId), rs -> new Pending(Cols.uuid(rs, "id"),
                rs.getString("org_channel_id"), rs.getString("origin_pod"), Cols.uuid(rs, "waits_for"), rs.getString("op")));
        if (!out.isEmpty()) Sql.update(c, DELETE_WAITING_FOR, a -> a.uuid(messageId));
        return out;
    }

    /** {@return which of the message ids parked ops wait for} */
    static Set<UUID> awaited(Connection c, Collection<UUID> messageIds) throws SQLException {
        return new HashSet<>(Sql.listIn(c, AWAITED, messageIds, Sql.Args::uuids, rs -> Cols.uuid(rs, "waits_for")));
    }
}
