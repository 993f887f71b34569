package io.parley.server.store;

import io.parley.server.federation.resilient.ReplicaFeedCursors.FeedEntry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The read of the chat log the replica feed sends: every op (remote users' too), with the message as it stands and
 * the author's home identity (handle and name, and for a remote author's shadow its pod and remote id). Read-only: the
 * log is written by {@code LogWriter} alone.
 */
final class ResilientFeedReads {
    private static final String FEED = "SELECT e.seq, e.type, e.message_id, e.actor_id, u.handle, u.display_name, ru.pod_id AS remote_pod,"
            + " ru.remote_id, e.emoji, e.hlc, e.created_at, m.content, m.thread_root_id, rt.origin_pod AS root_pod, m.origin_pod, m.deleted_at"
            + " FROM chat_events e JOIN messages m ON m.id = e.message_id"
            + " LEFT JOIN messages rt ON rt.id = m.thread_root_id"
            + " LEFT JOIN users u ON u.id = e.actor_id"
            + " LEFT JOIN org_remote_users ru ON ru.user_id = e.actor_id"
            + " WHERE e.chat_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?";

    private ResilientFeedReads() {}

    /** {@return the chat's log after {@code afterSeq}, at most {@code limit} entries} */
    static List<FeedEntry> after(Connection c, UUID chatId, long afterSeq, int limit) throws SQLException {
        return Sql.list(c, FEED, a -> a.uuid(chatId).num(afterSeq).num(limit), rs -> new FeedEntry(rs.getLong("seq"), rs.getString("type"),
                Cols.uuid(rs, "message_id"), Cols.uuid(rs, "actor_id"), rs.getString("handle"), rs.getString("display_name"),
                rs.getString("remote_pod"), Cols.uuid(rs, "remote_id"), rs.getString("emoji"), rs.getLong("hlc"),
                Cols.instant(rs, "created_at"), rs.getString("content"), Cols.uuid(rs, "thread_root_id"), rs.getString("root_pod"),
                rs.getString("origin_pod"), Cols.instant(rs, "deleted_at") != null));
    }
}
