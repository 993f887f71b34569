package io.parley.server.store;

import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code reactions} table: one row per (message, emoji, user), an add/remove set. Each row keeps the seq
 * of the event that added it, so emojis are ordered by their first reaction and users by when they reacted,
 * exactly (timestamps tie within a millisecond).
 */
final class ReactionsTable {
    private static final String EXISTS = "SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?";
    private static final String ADD = "INSERT INTO reactions (message_id, emoji, user_id, seq, created_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String REMOVE = "DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?";
    private static final String REMOVE_ALL = "DELETE FROM reactions WHERE message_id = ?";
    private static final String FOR_MESSAGES = "SELECT message_id, emoji, user_id FROM reactions"
            + " WHERE message_id IN (%s) ORDER BY seq";

    private ReactionsTable() {}

    static boolean exists(Connection c, UUID messageId, String emoji, UUID userId) throws SQLException {
        return Sql.exists(c, EXISTS, a -> a.uuid(messageId).text(emoji).uuid(userId));
    }

    /** Adds a reaction that does not exist yet ({@link #exists}), added by the event at {@code seq}. */
    static void add(Connection c, UUID messageId, String emoji, UUID userId, long seq, Instant at) throws SQLException {
        Sql.update(c, ADD, a -> a.uuid(messageId).text(emoji).uuid(userId).num(seq).instant(at));
    }

    /** {@return whether there was such a reaction} */
    static boolean remove(Connection c, UUID messageId, String emoji, UUID userId) throws SQLException {
        return Sql.update(c, REMOVE, a -> a.uuid(messageId).text(emoji).uuid(userId)) == 1;
    }

    static void removeAll(Connection c, UUID messageId) throws SQLException {
        Sql.update(c, REMOVE_ALL, a -> a.uuid(messageId));
    }

    /** {@return the reactions of these messages, one query per {@value Sql#IN_CHUNK} ids (no N+1)} */
    static Map<UUID, List<Reaction>> forMessages(Connection c, Collection<UUID> messageIds) throws SQLException {
        record Row(UUID messageId, String emoji, UUID userId) {}
        Map<UUID, Map<String, List<UUID>>> grouped = new HashMap<>();
        for (Row r : Sql.listIn(c, FOR_MESSAGES, new LinkedHashSet<>(messageIds), Sql.Args::uuids,
                rs -> new Row(Cols.uuid(rs, "message_id"), rs.getString("emoji"), Cols.uuid(rs, "user_id")))) {
            grouped.computeIfAbsent(r.messageId(), k -> new LinkedHashMap<>()).computeIfAbsent(r.emoji(), k -> new ArrayList<>())
                    .add(r.userId());
        }
        Map<UUID, List<Reaction>> out = new HashMap<>();
        grouped.forEach((id, byEmoji) -> {
            List<Reaction> list = new ArrayList<>();
            byEmoji.forEach((emoji, users) -> list.add(new Reaction(emoji, users)));
            out.put(id, list);
        });
        return out;
    }

    /** {@return the messages with their reactions attached} */
    static List<Message> attach(Connection c, List<Message> messages) throws SQLException {
        if (messages.isEmpty()) return messages;
        Map<UUID, List<Reaction>> reactions = forMessages(c, messages.stream().map(Message::id).toList());
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) out.add(m.withReactions(reactions.getOrDefault(m.id(), List.of())));
        return out;
    }

    /** {@return one message with its reactions attached} */
    static Message attach(Connection c, Message m) throws SQLException {
        return attach(c, List.of(m)).getFirst();
    }
}
