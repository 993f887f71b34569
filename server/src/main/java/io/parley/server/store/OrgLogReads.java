package io.parley.server.store;

import io.parley.server.federation.org.OrgOutbox.LogEntry;
import io.parley.server.federation.org.OrgOutbox.LogPage;
import io.parley.server.federation.org.ChannelContent.MessageRow;
import io.parley.server.federation.org.ChannelContent.ReactionRow;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The reads of the chat log ({@code chat_events}, {@code messages}, {@code reactions}, {@code chats.last_seq}) that
 * org-shared channels need: the outbox's page of the log, and the digest's view of a chat as it stands. Joined with
 * {@code org_remote_users} to tell remote authors' shadows from local users. Read-only: the log is written by
 * {@code LogWriter} alone.
 */
final class OrgLogReads {
    // The log with what the outbox sends: the message as it stands (a post replayed late carries the text as it
    // is now; a deleted one carries none), the thread root's origin, and whether the actor is a remote user's shadow.
    private static final String LOG_AFTER = "SELECT e.seq, e.type, e.message_id, e.actor_id, e.emoji, e.hlc, e.created_at,"
            + " m.sender_id, m.content, m.thread_root_id, rt.origin_pod AS root_pod, m.origin_pod,"
            + " m.deleted_at, m.attachments"
            // remote users first: their ops are filtered out before their messages are read (most of a replayed log)
            + " FROM chat_events e LEFT JOIN org_remote_users ru ON ru.user_id = e.actor_id"
            + " JOIN messages m ON m.id = e.message_id"
            + " LEFT JOIN messages rt ON rt.id = m.thread_root_id"
            + " WHERE e.chat_id = ? AND e.seq > ? AND e.seq <= ? AND ru.user_id IS NULL ORDER BY e.seq LIMIT ?";
    private static final String MESSAGES = "SELECT m.id, m.origin_pod, m.sender_id, su.pod_id AS sender_pod, su.remote_id AS sender_remote,"
            + " m.thread_root_id, rt.origin_pod AS root_pod, e.hlc AS posted_hlc, m.hlc, m.content, m.deleted_at, e.seq"
            + " FROM messages m JOIN chat_events e ON e.chat_id = m.chat_id AND e.message_id = m.id AND e.type = 'MESSAGE_POSTED'"
            + " LEFT JOIN messages rt ON rt.id = m.thread_root_id"
            + " LEFT JOIN org_remote_users su ON su.user_id = m.sender_id"
            + " WHERE m.chat_id = ?";
    private static final String REACTIONS = "SELECT r.message_id, r.user_id, ru.pod_id, ru.remote_id, r.emoji FROM reactions r"
            + " JOIN messages m ON m.id = r.message_id LEFT JOIN org_remote_users ru ON ru.user_id = r.user_id WHERE m.chat_id = ?";
    private static final String MERGED = "SELECT m.id FROM messages m"
            + " JOIN chat_events e ON e.chat_id = m.chat_id AND e.message_id = m.id AND e.type = 'MESSAGE_POSTED'"
            + " WHERE m.chat_id = ? AND m.thread_root_id IS NULL ORDER BY e.hlc DESC, m.origin_pod DESC, m.id DESC LIMIT ?";
    // Client ids are stored as their canonical text, whose order is the ids' (fixed-width lowercase hex): the
    // (chat, client id) index answers this with one probe.
    private static final String GREATEST_CLIENT_ID = "SELECT max(client_id) FROM chat_events WHERE chat_id = ? AND client_id >= ?"
            + " AND client_id <= ?";
    private static final String LAST_SEQ = "SELECT last_seq FROM chats WHERE id = ?";
    private static final String PRESENT = "SELECT id FROM messages WHERE id IN (%s)";

    private OrgLogReads() {}

    /** {@return the page of the chat's log after {@code afterSeq} that this pod may have to send} (see {@link LogPage}) */
    static LogPage logAfter(Connection c, UUID chatId, long afterSeq, int limit) throws SQLException {
        // The chat's last seq first: every event up to it is committed (the writer moves both in one transaction),
        // so a short page covers everything up to it, including what the filter left out.
        long last = lastSeq(c, chatId);
        List<LogEntry> out = Sql.list(c, LOG_AFTER, a -> a.uuid(chatId).num(afterSeq).num(last).num(limit), rs -> new LogEntry(
                rs.getLong("seq"), rs.getString("type"), Cols.uuid(rs, "message_id"), Cols.uuid(rs, "actor_id"),
                rs.getString("emoji"), rs.getLong("hlc"), Cols.instant(rs, "created_at"),
                Cols.uuid(rs, "sender_id"), rs.getString("content"), Cols.uuid(rs, "thread_root_id"), rs.getString("root_pod"),
                rs.getString("origin_pod"), Cols.instant(rs, "deleted_at") != null, rs.getString("attachments")));
        return new LogPage(out, out.size() == limit ? out.getLast().seq() : Math.max(afterSeq, last));
    }

    /** {@return the chat's last seq, 0 for an unknown chat} */
    static long lastSeq(Connection c, UUID chatId) throws SQLException {
        return Sql.longOr(c, LAST_SEQ, a -> a.uuid(chatId), 0L);
    }

    static Optional<UUID> greatestClientId(Connection c, UUID chatId, UUID from, UUID to) throws SQLException {
        return Sql.one(c, GREATEST_CLIENT_ID, a -> a.uuid(chatId).uuid(from).uuid(to), rs -> Cols.uuid(rs, 1));
    }

    /** {@return which of the ids are stored messages (tombstones included)} */
    static Set<UUID> presentMessages(Connection c, Collection<UUID> ids) throws SQLException {
        return new HashSet<>(Sql.listIn(c, PRESENT, ids, Sql.Args::uuids, rs -> Cols.uuid(rs, "id")));
    }

    static List<MessageRow> messages(Connection c, UUID chatId) throws SQLException {
        return Sql.list(c, MESSAGES, a -> a.uuid(chatId), rs -> new MessageRow(Cols.uuid(rs, "id"), rs.getString("origin_pod"),
                Cols.uuid(rs, "sender_id"), rs.getString("sender_pod"), Cols.uuid(rs, "sender_remote"), Cols.uuid(rs, "thread_root_id"),
                rs.getString("root_pod"), rs.getLong("posted_hlc"), rs.getLong("hlc"), rs.getString("content"),
                Cols.instant(rs, "deleted_at") != null, rs.getLong("seq")));
    }

    static List<ReactionRow> reactions(Connection c, UUID chatId) throws SQLException {
        return Sql.list(c, REACTIONS, a -> a.uuid(chatId), rs -> new ReactionRow(Cols.uuid(rs, "message_id"), Cols.uuid(rs, "user_id"),
                rs.getString("pod_id"), Cols.uuid(rs, "remote_id"), rs.getString("emoji")));
    }

    /** {@return the chat's latest {@code limit} top-level messages in the merged order, oldest first} */
    static List<UUID> mergedOrder(Connection c, UUID chatId, int limit) throws SQLException {
        return Sql.list(c, MERGED, a -> a.uuid(chatId).num(limit), rs -> Cols.uuid(rs, "id")).reversed();
    }
}
