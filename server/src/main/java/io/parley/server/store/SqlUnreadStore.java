package io.parley.server.store;

import io.parley.core.notify.UnreadStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Unread and mention counts derived from {@code chat_members.last_read_seq} and {@code messages}; nothing is
 * stored, so they cannot drift. Both counts walk {@code messages_chat_seq_key} from the watermark up.
 *
 * <p>Mentions are matched in the {@code mentions} JSON column: {@code "channel":true}, {@code "here":true}
 * (counted for everyone: who was online when it was sent is not kept), or the user's handle as a complete
 * JSON string followed by {@code ,} or {@code ]} (so the key {@code "handles"} never matches). {@code _} in a
 * handle is escaped for LIKE.
 */
final class SqlUnreadStore implements UnreadStore {
    private static final String UNREAD_WHERE = " FROM messages m WHERE m.chat_id = cm.chat_id AND m.seq > cm.last_read_seq"
            + " AND m.thread_root_id IS NULL AND m.deleted_at IS NULL AND m.sender_id <> cm.user_id";
    private static final String MENTIONED = " AND (m.mentions LIKE '%\"channel\":true%' OR m.mentions LIKE '%\"here\":true%'"
            + " OR m.mentions LIKE ? ESCAPE '\\' OR m.mentions LIKE ? ESCAPE '\\')";
    private static final String COUNTS = "SELECT cm.chat_id, c.workspace_id, cm.last_read_seq, c.last_seq,"
            + " (SELECT count(*)" + UNREAD_WHERE + ") AS unread,"
            + " (SELECT count(*)" + UNREAD_WHERE + MENTIONED + ") AS mentions"
            + " FROM chat_members cm JOIN chats c ON c.id = cm.chat_id WHERE cm.user_id = ?";
    private static final String ALL = COUNTS + " ORDER BY c.created_at, c.id";
    private static final String ONE = COUNTS + " AND cm.chat_id = ?";
    private static final String HANDLE = "SELECT handle FROM users WHERE id = ?";

    private final Db db;

    SqlUnreadStore(Db db) {
        this.db = db;
    }

    @Override
    public List<UnreadCount> unread(UUID userId) {
        return db.read(c -> {
            Sql.Binder user = userBinder(c, userId);
            return Sql.list(c, ALL, user, SqlUnreadStore::row);
        });
    }

    @Override
    public UnreadCount unread(UUID userId, UUID chatId) {
        return db.read(c -> {
            Sql.Binder user = userBinder(c, userId);
            return Sql.one(c, ONE, a -> {
                user.bind(a);
                a.uuid(chatId);
            }, SqlUnreadStore::row).orElseGet(() -> new UnreadCount(null, chatId, 0, 0, 0, 0));
        });
    }

    /** {@return the binder of the first three parameters: the user's handle as two LIKE patterns, and the user} */
    private static Sql.Binder userBinder(Connection c, UUID userId) throws SQLException {
        String handle = Sql.one(c, HANDLE, a -> a.uuid(userId), rs -> rs.getString(1)).orElse("");
        String escaped = handle.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        // An unknown user matches no handle: "" never appears as a quoted handle.
        return a -> a.text("%\"" + escaped + "\",%").text("%\"" + escaped + "\"]%").uuid(userId);
    }

    private static UnreadCount row(ResultSet rs) throws SQLException {
        return new UnreadCount(Cols.uuid(rs, "workspace_id"), Cols.uuid(rs, "chat_id"), rs.getLong("last_read_seq"),
                rs.getLong("last_seq"), rs.getInt("unread"), rs.getInt("mentions"));
    }
}
