package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.OptionalLong;

/** The {@code org_inbound_marks} table (V82): per origin pod and org channel, the origin seq applied here in order. */
final class OrgInboundMarksTable {
    private static final String APPLIED = "SELECT applied_seq FROM org_inbound_marks WHERE origin_pod = ? AND org_channel_id = ?";
    // The mark only rises: a late, older batch does not lower it.
    private static final String MARK = "INSERT INTO org_inbound_marks (origin_pod, org_channel_id, applied_seq, updated_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (origin_pod, org_channel_id) DO UPDATE SET applied_seq = excluded.applied_seq,"
            + " updated_at = excluded.updated_at WHERE org_inbound_marks.applied_seq < excluded.applied_seq";

    private OrgInboundMarksTable() {}

    static OptionalLong appliedThrough(Connection c, String originPod, String orgChannelId) throws SQLException {
        return Sql.one(c, APPLIED, a -> a.text(originPod).text(orgChannelId), rs -> rs.getLong(1))
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    static void mark(Connection c, String originPod, String orgChannelId, long seq, Instant at) throws SQLException {
        Sql.update(c, MARK, a -> a.text(originPod).text(orgChannelId).num(seq).instant(at));
    }
}
