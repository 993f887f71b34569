package io.parley.server.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code chat_events} table, the log itself, and the per-chat counter ({@code chats.last_seq}) that
 * numbers it. Seqs are taken with {@code UPDATE … RETURNING} inside the writing transaction: a rolled back
 * transaction gives its numbers back, so the log has no gaps.
 */
final class EventsTable {
    private static final String NEXT_SEQ = "UPDATE chats SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq";
    private static final String INSERT = "INSERT INTO chat_events (chat_id, seq, type, message_id, actor_id, client_id,"
            + " emoji, hlc, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_CLIENT_ID = "SELECT seq, message_id FROM chat_events"
            + " WHERE chat_id = ? AND actor_id = ? AND client_id = ?";
    private static final String AFTER = "SELECT e.seq AS ev_seq, e.type AS ev_type, e.actor_id AS ev_actor,"
            + " e.emoji AS ev_emoji, e.created_at AS ev_at, " + MessagesTable.COLUMNS
            + " FROM chat_events e JOIN messages m ON m.id = e.message_id"
            + " WHERE e.chat_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?";
    private static final String WORKSPACE_OF = "SELECT workspace_id FROM chats WHERE id = ?";

    /** An event already in the log for a client id: the seq the original ack carried, and its message. */
    record Prior(long seq, UUID messageId) {}

    private EventsTable() {}

    /**
     * Checks the chat exists and, on PostgreSQL, locks its row until commit, so writers of one chat on
     * different nodes run one after the other. {@return false if there is no such chat}
     */
    static boolean lockChat(Connection c, Db db, UUID chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.lockChatSql())) {
            Cols.uuid(ps, 1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@return the next seq of the chat's log} (the chat must exist: callers lock it first) */
    static long nextSeq(Connection c, UUID chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NEXT_SEQ)) {
            Cols.uuid(ps, 1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new SQLException("chat vanished while locked: " + chatId);
                return rs.getLong(1);
            }
        }
    }

    /** Appends an event; {@code clientId} is null for events derived from another command's event. */
    static void insert(Connection c, UUID chatId, long seq, EventType type, UUID messageId, UUID actorId, UUID clientId,
                       String emoji, long hlc, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, chatId, seq, type, messageId, actorId, clientId, emoji, hlc, at);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, UUID chatId, long seq, EventType type, UUID messageId, UUID actorId,
                             UUID clientId, String emoji, long hlc, Instant at) throws SQLException {
        Cols.uuid(ps, 1, chatId);
        ps.setLong(2, seq);
        ps.setString(3, type.name());
        Cols.uuid(ps, 4, messageId);
        Cols.uuid(ps, 5, actorId);
        Cols.uuid(ps, 6, clientId);
        ps.setString(7, emoji);
        ps.setLong(8, hlc);
        Cols.instant(ps, 9, at);
    }

    /** Appends the MESSAGE_POSTED events of new messages in one JDBC batch. */
    static void insertPosted(Connection c, List<Message> posted) throws SQLException {
        if (posted.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Message m : posted) {
                bind(ps, m.chatId(), m.seq(), EventType.MESSAGE_POSTED, m.id(), m.senderId(), m.clientMsgId(), null, m.hlc(), m.createdAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static Optional<Prior> byClientId(Connection c, UUID chatId, UUID actorId, UUID clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_CLIENT_ID)) {
            Cols.uuid(ps, 1, chatId);
            Cols.uuid(ps, 2, actorId);
            Cols.uuid(ps, 3, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Prior(rs.getLong("seq"), Cols.uuid(rs, "message_id"))) : Optional.empty();
            }
        }
    }

    /** {@return events after {@code afterSeq} in seq order, each with its message's current state and reactions} */
    static List<ChatEvent> after(Connection c, UUID chatId, long afterSeq, int limit) throws SQLException {
        UUID workspaceId;
        try (PreparedStatement ps = c.prepareStatement(WORKSPACE_OF)) {
            Cols.uuid(ps, 1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return List.of();
                workspaceId = Cols.uuid(rs, "workspace_id");
            }
        }
        record Row(long seq, EventType type, UUID actor, String emoji, Instant at, Message message) {}
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AFTER)) {
            Cols.uuid(ps, 1, chatId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong("ev_seq"), EventType.valueOf(rs.getString("ev_type")),
                            Cols.uuid(rs, "ev_actor"), rs.getString("ev_emoji"), Cols.instant(rs, "ev_at"),
                            MessagesTable.map(rs)));
                }
            }
        }
        Map<UUID, List<Reaction>> reactions = ReactionsTable.forMessages(c, rows.stream().map(r -> r.message().id()).toList());
        List<ChatEvent> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Message m = r.message().withReactions(reactions.getOrDefault(r.message().id(), List.of()));
            out.add(new ChatEvent(workspaceId, chatId, r.seq(), r.type(), r.actor(), r.emoji(), m, r.at()));
        }
        return out;
    }
}
