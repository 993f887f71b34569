package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code resilient_cursors} table (V70): per channel and replica pod, the last local seq the feed sent it. */
final class ResilientCursorsTable {
    private static final String GET = "SELECT seq FROM resilient_cursors WHERE org_channel_id = ? AND pod_id = ?";
    private static final String OF_CHANNEL = "SELECT pod_id, seq FROM resilient_cursors WHERE org_channel_id = ? ORDER BY pod_id";
    // Forward only: a late, older acknowledgement does not move the feed back.
    private static final String ADVANCE = "INSERT INTO resilient_cursors (org_channel_id, pod_id, seq) VALUES (?, ?, ?)"
            + " ON CONFLICT (org_channel_id, pod_id) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > resilient_cursors.seq";
    private static final String RESET = "DELETE FROM resilient_cursors WHERE org_channel_id = ? AND pod_id = ?";
    private static final String DELETE = "DELETE FROM resilient_cursors WHERE org_channel_id = ?";

    private ResilientCursorsTable() {}

    /** {@return the replica's cursor, 0 if none} */
    static long get(Connection c, String orgChannelId, String pod) throws SQLException {
        return Sql.longOr(c, GET, a -> a.text(orgChannelId).text(pod), 0L);
    }

    /** {@return the channel's cursors by pod, in pod order} */
    static Map<String, Long> ofChannel(Connection c, String orgChannelId) throws SQLException {
        record Cursor(String pod, long seq) {}
        Map<String, Long> out = new LinkedHashMap<>();
        for (Cursor k : Sql.list(c, OF_CHANNEL, a -> a.text(orgChannelId), rs -> new Cursor(rs.getString("pod_id"), rs.getLong("seq")))) {
            out.put(k.pod(), k.seq());
        }
        return out;
    }

    static void advance(Connection c, String orgChannelId, String pod, long seq) throws SQLException {
        Sql.update(c, ADVANCE, a -> a.text(orgChannelId).text(pod).num(seq));
    }

    /** Starts the replica's feed over. */
    static void reset(Connection c, String orgChannelId, String pod) throws SQLException {
        Sql.update(c, RESET, a -> a.text(orgChannelId).text(pod));
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }
}
