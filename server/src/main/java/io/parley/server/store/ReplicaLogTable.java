package io.parley.server.store;

import io.parley.server.federation.resilient.ReplicaCopies.Position;
import io.parley.server.federation.resilient.ReplicaCopies.SealedOp;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code replica_log} table (V70, V85): a replica's sealed copy of a resilient channel's log. A row is keyed by
 * (channel, source, seq), where the source is the pod whose log the seq is of (the primary, or an acting primary during
 * an outage), and unique by (channel, op key), the op's identity under the channel key, so an op fed by two sources is
 * kept once. Read in (hlc, source, seq) order: each origin's hlcs grow, so each origin's ops come in its own order.
 */
final class ReplicaLogTable {
    private static final String COLS = "source, seq, hlc, bytes, sealed, op_key";
    // No conflict target: an op already held under its (source, seq) or, fed by another source, under its op key is
    // skipped alike.
    private static final String INSERT = "INSERT INTO replica_log (org_channel_id, " + COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING";
    private static final String HELD_KEYS = "SELECT op_key FROM replica_log WHERE org_channel_id = ? AND op_key IN (%s)";
    private static final String AFTER = "SELECT " + COLS + " FROM replica_log WHERE org_channel_id = ?"
            + " AND (hlc > ? OR (hlc = ? AND (source > ? OR (source = ? AND seq > ?)))) ORDER BY hlc, source, seq LIMIT ?";
    private static final String COUNT = "SELECT COUNT(*) FROM replica_log WHERE org_channel_id = ?";
    private static final String BYTES = "SELECT COALESCE(SUM(bytes), 0) FROM replica_log WHERE org_channel_id = ?";
    private static final String WITHOUT_KEY = "SELECT " + COLS + " FROM replica_log WHERE org_channel_id = ? AND op_key IS NULL"
            + " ORDER BY source, seq LIMIT ?";
    private static final String KEY_HELD = "SELECT 1 FROM replica_log WHERE org_channel_id = ? AND op_key = ?";
    private static final String SET_KEY = "UPDATE replica_log SET op_key = ? WHERE org_channel_id = ? AND source = ? AND seq = ?";
    private static final String DROP = "DELETE FROM replica_log WHERE org_channel_id = ? AND source = ? AND seq = ?";
    private static final String DELETE = "DELETE FROM replica_log WHERE org_channel_id = ?";

    private ReplicaLogTable() {}

    /** Stores the ops not held yet; {@return the bytes newly stored} */
    static long insert(Connection c, String orgChannelId, List<SealedOp> ops) throws SQLException {
        int[] added = Sql.updateEach(c, INSERT, ops, (a, op) -> a.text(orgChannelId).text(op.source()).num(op.seq()).num(op.hlc())
                .num(op.bytes()).text(op.sealed()).text(op.opKey()));
        long bytes = 0;
        for (int k = 0; k < added.length; k++) if (added[k] > 0) bytes += ops.get(k).bytes();
        return bytes;
    }

    /** {@return which of the op keys the channel's log holds} */
    static Set<String> heldKeys(Connection c, String orgChannelId, Collection<String> opKeys) throws SQLException {
        return new HashSet<>(Sql.listIn(c, HELD_KEYS, opKeys, (a, keys) -> a.text(orgChannelId).texts(keys), rs -> rs.getString("op_key")));
    }

    /** {@return the ops after the position, in (hlc, source, seq) order, at most {@code limit}} */
    static List<SealedOp> after(Connection c, String orgChannelId, Position after, int limit) throws SQLException {
        return Sql.list(c, AFTER, a -> a.text(orgChannelId).num(after.hlc()).num(after.hlc()).text(after.source()).text(after.source())
                .num(after.seq()).num(limit), ReplicaLogTable::row);
    }

    static int count(Connection c, String orgChannelId) throws SQLException {
        return (int) Sql.longOr(c, COUNT, a -> a.text(orgChannelId), 0L);
    }

    static long bytes(Connection c, String orgChannelId) throws SQLException {
        return Sql.longOr(c, BYTES, a -> a.text(orgChannelId), 0L);
    }

    /** {@return ops stored before V85, without an op key, by (source, seq), at most {@code limit}} */
    static List<SealedOp> withoutOpKey(Connection c, String orgChannelId, int limit) throws SQLException {
        return Sql.list(c, WITHOUT_KEY, a -> a.text(orgChannelId).num(limit), ReplicaLogTable::row);
    }

    /** Sets the ops' keys; an op whose key another row holds already is a duplicate, and dropped (call in a write transaction). */
    static void setOpKeys(Connection c, String orgChannelId, List<SealedOp> ops) throws SQLException {
        for (SealedOp op : ops) {
            if (Sql.exists(c, KEY_HELD, a -> a.text(orgChannelId).text(op.opKey()))) {
                Sql.update(c, DROP, a -> a.text(orgChannelId).text(op.source()).num(op.seq()));
            } else {
                Sql.update(c, SET_KEY, a -> a.text(op.opKey()).text(orgChannelId).text(op.source()).num(op.seq()));
            }
        }
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }

    private static SealedOp row(ResultSet rs) throws SQLException {
        return new SealedOp(rs.getString("source"), rs.getLong("seq"), rs.getLong("hlc"), rs.getLong("bytes"), rs.getString("sealed"),
                rs.getString("op_key"));
    }
}
