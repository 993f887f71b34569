package io.parley.server.store;

import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code messages} table: rows as they stand now (edits overwrite, deletes leave tombstones). Rows are
 * read without reactions; callers attach them with {@link ReactionsTable#forMessages}.
 */
final class MessagesTable {
    /** The message columns, qualified by {@code m}, for selects and joins. */
    static final String COLUMNS = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.content, m.thread_root_id,"
            + " m.reply_count, m.latest_reply_at, m.reply_users, m.mentions, m.created_at, m.edited_at, m.deleted_at,"
            + " m.origin_pod, m.hlc, m.attachments, m.bot";
    private static final String INSERT = "INSERT INTO messages (id, chat_id, seq, sender_id, client_id, content,"
            + " thread_root_id, reply_count, latest_reply_at, reply_users, mentions, created_at, edited_at, deleted_at,"
            + " origin_pod, hlc, attachments, bot) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, '[]', ?, ?, NULL, NULL, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM messages m WHERE m.id = ?";
    private static final String LATEST = "SELECT " + COLUMNS + " FROM messages m"
            + " WHERE m.chat_id = ? AND m.thread_root_id IS NULL AND m.seq < ? ORDER BY m.seq DESC LIMIT ?";
    private static final String AFTER = "SELECT " + COLUMNS + " FROM messages m"
            + " WHERE m.chat_id = ? AND m.thread_root_id IS NULL AND m.seq > ? AND m.seq < ? ORDER BY m.seq LIMIT ?";
    private static final String SCAN = "SELECT " + COLUMNS + " FROM messages m"
            + " WHERE m.deleted_at IS NULL AND m.id > ? ORDER BY m.id LIMIT ?";
    private static final String LIVE_COUNT = "SELECT COUNT(*) FROM messages WHERE deleted_at IS NULL";
    private static final String REPLIES = "SELECT " + COLUMNS + " FROM messages m"
            + " WHERE m.thread_root_id = ? ORDER BY m.seq LIMIT ?";
    // Last writer wins on the HLC: an edit older than the stored state changes nothing.
    private static final String EDIT = "UPDATE messages SET content = ?, mentions = ?, edited_at = ?, hlc = ?"
            + " WHERE id = ? AND deleted_at IS NULL AND hlc < ?";
    // A tombstone keeps no content and no attachments (the files go with the message).
    private static final String TOMBSTONE = "UPDATE messages SET content = '', mentions = ?, attachments = '[]', deleted_at = ?,"
            + " hlc = CASE WHEN hlc < ? THEN ? ELSE hlc END WHERE id = ? AND deleted_at IS NULL";
    private static final String COUNT_REPLY = "UPDATE messages SET reply_count = reply_count + 1,"
            + " latest_reply_at = CASE WHEN latest_reply_at IS NULL OR latest_reply_at < ? THEN ? ELSE latest_reply_at END"
            + " WHERE id = ?";
    private static final String REPLY_USERS = "SELECT reply_users FROM messages WHERE id = ?";
    private static final String SET_REPLY_USERS = "UPDATE messages SET reply_users = ? WHERE id = ?";

    private MessagesTable() {}

    /** Inserts new top-level messages in one JDBC batch. */
    static void insertAll(Connection c, List<Message> messages) throws SQLException {
        if (messages.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Message m : messages) {
                bindInsert(ps, m);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void insert(Connection c, Message m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bindInsert(ps, m);
            ps.executeUpdate();
        }
    }

    private static void bindInsert(PreparedStatement ps, Message m) throws SQLException {
        {
            Cols.uuid(ps, 1, m.id());
            Cols.uuid(ps, 2, m.chatId());
            ps.setLong(3, m.seq());
            Cols.uuid(ps, 4, m.senderId());
            Cols.uuid(ps, 5, m.clientMsgId());
            ps.setString(6, m.content());
            Cols.uuid(ps, 7, m.threadRootId());
            ps.setString(8, Cols.mentionsJson(m.mentions()));
            Cols.instant(ps, 9, m.createdAt());
            ps.setString(10, m.originPod());
            ps.setLong(11, m.hlc());
            ps.setString(12, Cols.attachmentsJson(m.attachments()));
            ps.setString(13, Cols.botJson(m.bot()));
        }
    }

    static Optional<Message> byId(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            Cols.uuid(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** {@return top-level messages, ascending: the latest {@code limit} before {@code beforeSeq}, or the first after {@code afterSeq}} */
    static List<Message> history(Connection c, UUID chatId, Long beforeSeq, Long afterSeq, int limit) throws SQLException {
        long before = beforeSeq == null ? Long.MAX_VALUE : beforeSeq;
        if (afterSeq != null) {
            try (PreparedStatement ps = c.prepareStatement(AFTER)) {
                Cols.uuid(ps, 1, chatId);
                ps.setLong(2, afterSeq);
                ps.setLong(3, before);
                ps.setInt(4, limit);
                return list(ps);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(LATEST)) {
            Cols.uuid(ps, 1, chatId);
            ps.setLong(2, before);
            ps.setInt(3, limit);
            return list(ps).reversed();
        }
    }

    /** Live messages after an id, in id order (ids are text UUIDv7: text order is mint order). */
    static List<Message> scan(Connection c, UUID afterId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SCAN)) {
            ps.setString(1, afterId == null ? "" : afterId.toString());
            ps.setInt(2, limit);
            return list(ps);
        }
    }

    static long liveCount(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIVE_COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Message> replies(Connection c, UUID rootId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REPLIES)) {
            Cols.uuid(ps, 1, rootId);
            ps.setInt(2, limit);
            return list(ps);
        }
    }

    /** {@return whether the edit won (the message is live and its stored HLC is older)} */
    static boolean edit(Connection c, UUID id, String content, Mentions mentions, Instant at, long hlc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EDIT)) {
            ps.setString(1, content);
            ps.setString(2, Cols.mentionsJson(mentions));
            Cols.instant(ps, 3, at);
            ps.setLong(4, hlc);
            Cols.uuid(ps, 5, id);
            ps.setLong(6, hlc);
            return ps.executeUpdate() == 1;
        }
    }

    /** {@return whether the message became a tombstone (false if it was one already)} */
    static boolean tombstone(Connection c, UUID id, Instant at, long hlc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOMBSTONE)) {
            ps.setString(1, Cols.mentionsJson(Mentions.NONE));
            Cols.instant(ps, 2, at);
            ps.setLong(3, hlc);
            ps.setLong(4, hlc);
            Cols.uuid(ps, 5, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Counts a reply on its thread root and adds the replier to the root's reply users (once). */
    static void countReply(Connection c, UUID rootId, UUID replier, Instant at) throws SQLException {
        // The UPDATE takes the row lock first, so the read-modify-write of reply_users below is not lost
        // to a concurrent writer (on PostgreSQL the chat row lock already serialises them; this is belt and braces).
        try (PreparedStatement ps = c.prepareStatement(COUNT_REPLY)) {
            Cols.instant(ps, 1, at);
            Cols.instant(ps, 2, at);
            Cols.uuid(ps, 3, rootId);
            ps.executeUpdate();
        }
        List<UUID> users;
        try (PreparedStatement ps = c.prepareStatement(REPLY_USERS)) {
            Cols.uuid(ps, 1, rootId);
            try (ResultSet rs = ps.executeQuery()) {
                users = rs.next() ? new ArrayList<>(Cols.uuids(rs.getString(1))) : new ArrayList<>();
            }
        }
        if (users.contains(replier)) return;
        users.add(replier);
        try (PreparedStatement ps = c.prepareStatement(SET_REPLY_USERS)) {
            ps.setString(1, Cols.uuidsJson(users));
            Cols.uuid(ps, 2, rootId);
            ps.executeUpdate();
        }
    }

    private static List<Message> list(PreparedStatement ps) throws SQLException {
        List<Message> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(map(rs));
        }
        return out;
    }

    /** {@return the message in the current row (without reactions)} */
    static Message map(ResultSet rs) throws SQLException {
        return new Message(Cols.uuid(rs, "id"), Cols.uuid(rs, "chat_id"), rs.getLong("seq"), Cols.uuid(rs, "sender_id"),
                Cols.uuid(rs, "client_id"), rs.getString("content"), Cols.uuid(rs, "thread_root_id"),
                rs.getInt("reply_count"), Cols.instant(rs, "latest_reply_at"), Cols.uuids(rs.getString("reply_users")),
                Cols.mentions(rs.getString("mentions")), List.of(), Cols.instant(rs, "created_at"),
                Cols.instant(rs, "edited_at"), Cols.instant(rs, "deleted_at"), rs.getString("origin_pod"),
                rs.getLong("hlc"), Cols.attachments(rs.getString("attachments")), Cols.bot(rs.getString("bot")));
    }
}
