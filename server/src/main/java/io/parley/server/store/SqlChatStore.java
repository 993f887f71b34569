package io.parley.server.store;

import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatMember;
import io.parley.core.error.ParleyException;
import io.parley.core.store.ChatStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code chats} and {@code chat_members} tables. {@code last_seq} is only ever written by the log writer;
 * here it is read. Members join at the chat's creation time when created with it.
 */
public final class SqlChatStore implements ChatStore {
    private static final String COLUMNS = "c.id, c.workspace_id, c.kind, c.name, c.topic, c.purpose, c.archived,"
            + " c.created_by, c.created_at, c.last_seq, c.dm_key";
    private static final String INSERT = "INSERT INTO chats (id, workspace_id, kind, name, topic, purpose, archived,"
            + " created_by, created_at, last_seq, dm_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM chats c WHERE c.id = ?";
    private static final String BY_NAME = "SELECT " + COLUMNS + " FROM chats c WHERE c.workspace_id = ? AND c.name = ?";
    private static final String BY_DM_KEY = "SELECT " + COLUMNS + " FROM chats c WHERE c.workspace_id = ? AND c.dm_key = ?";
    private static final String PUBLIC_CHANNELS = "SELECT " + COLUMNS + " FROM chats c WHERE c.workspace_id = ?"
            + " AND c.kind = 'public_channel' ORDER BY c.name";
    private static final String CHATS_OF = "SELECT " + COLUMNS + " FROM chats c JOIN chat_members m ON m.chat_id = c.id"
            + " WHERE m.user_id = ? AND c.workspace_id = ? ORDER BY c.created_at, c.id";
    private static final String UPDATE = "UPDATE chats SET name = ?, topic = ?, purpose = ?, archived = ? WHERE id = ?";

    private static final String ADD_MEMBER = "INSERT INTO chat_members (chat_id, user_id, joined_at, last_read_seq)"
            + " VALUES (?, ?, ?, 0) ON CONFLICT (chat_id, user_id) DO NOTHING";
    private static final String REMOVE_MEMBER = "DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?";
    private static final String MEMBER_IDS = "SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY joined_at, user_id";
    private static final String LAST_SEQS_OF = "SELECT c.id, c.last_seq FROM chats c JOIN chat_members m ON m.chat_id = c.id"
            + " WHERE m.user_id = ?";
    private static final int IDS_PER_QUERY = 500;
    private static final String MEMBER = "SELECT chat_id, user_id, joined_at, last_read_seq FROM chat_members"
            + " WHERE chat_id = ? AND user_id = ?";
    // Only ever raises the watermark; the same statement on both databases (no MAX/GREATEST needed).
    private static final String MARK_READ = "UPDATE chat_members SET last_read_seq = ?"
            + " WHERE chat_id = ? AND user_id = ? AND last_read_seq < ?";

    private final Db db;

    SqlChatStore(Db db) { this.db = db; }

    @Override
    public void create(Chat chat, Collection<UUID> members) {
        try {
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    Cols.uuid(ps, 1, chat.id());
                    Cols.uuid(ps, 2, chat.workspaceId());
                    ps.setString(3, chat.kind().wire());
                    ps.setString(4, chat.name());
                    ps.setString(5, chat.topic());
                    ps.setString(6, chat.purpose());
                    Cols.bool(ps, 7, chat.archived());
                    Cols.uuid(ps, 8, chat.createdBy());
                    Cols.instant(ps, 9, chat.createdAt());
                    ps.setString(10, chat.dmKey());
                    ps.executeUpdate();
                }
                for (UUID m : new LinkedHashSet<>(members)) addMember(c, chat.id(), m, chat.createdAt());
                return null;
            });
        } catch (ParleyException e) {
            throw SqlUserStore.rename(e, chat.kind().isChannel() ? "channel name is taken" : "chat already exists");
        }
    }

    @Override
    public Optional<Chat> byId(UUID id) { return one(BY_ID, id.toString(), null); }

    @Override
    public Optional<Chat> byName(UUID workspaceId, String name) { return one(BY_NAME, workspaceId.toString(), name); }

    @Override
    public Optional<Chat> byDmKey(UUID workspaceId, String dmKey) { return one(BY_DM_KEY, workspaceId.toString(), dmKey); }

    @Override
    public List<Chat> publicChannels(UUID workspaceId) { return list(PUBLIC_CHANNELS, workspaceId); }

    @Override
    public List<Chat> chatsOf(UUID workspaceId, UUID userId) { return list(CHATS_OF, userId, workspaceId); }

    @Override
    public void update(Chat chat) {
        try {
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                    ps.setString(1, chat.name());
                    ps.setString(2, chat.topic());
                    ps.setString(3, chat.purpose());
                    Cols.bool(ps, 4, chat.archived());
                    Cols.uuid(ps, 5, chat.id());
                    return ps.executeUpdate();
                }
            });
        } catch (ParleyException e) {
            throw SqlUserStore.rename(e, "channel name is taken");
        }
    }

    @Override
    public long addMember(UUID chatId, UUID userId) {
        return db.write(c -> {
            long seq;
            try (PreparedStatement ps = c.prepareStatement(db.lockChatSql())) { // serialises with the log writer's posts
                Cols.uuid(ps, 1, chatId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw ParleyException.notFound("no such chat");
                    seq = rs.getLong(1);
                }
            }
            return addMember(c, chatId, userId, Instant.now()) ? seq : -1L;
        });
    }

    @Override
    public boolean removeMember(UUID chatId, UUID userId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(REMOVE_MEMBER)) {
                Cols.uuid(ps, 1, chatId);
                Cols.uuid(ps, 2, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<UUID> memberIds(UUID chatId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MEMBER_IDS)) {
                Cols.uuid(ps, 1, chatId);
                List<UUID> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(Cols.uuid(rs, "user_id"));
                }
                return out;
            }
        });
    }

    @Override
    public Map<UUID, Long> lastSeqsOf(UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_SEQS_OF)) {
                Cols.uuid(ps, 1, userId);
                return lastSeqMap(ps);
            }
        });
    }

    @Override
    public Map<UUID, Long> lastSeqs(Collection<UUID> chatIds) {
        List<UUID> ids = List.copyOf(chatIds);
        Map<UUID, Long> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<UUID> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            String sql = "SELECT c.id, c.last_seq FROM chats c WHERE c.id IN (" + "?,".repeat(part.size() - 1) + "?)";
            out.putAll(db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < part.size(); i++) Cols.uuid(ps, i + 1, part.get(i));
                    return lastSeqMap(ps);
                }
            }));
        }
        return out;
    }

    @Override
    public Map<UUID, Long> allLastSeqs() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT c.id, c.last_seq FROM chats c WHERE c.last_seq > 0")) {
                return lastSeqMap(ps);
            }
        });
    }

    private static Map<UUID, Long> lastSeqMap(PreparedStatement ps) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(Cols.uuid(rs, "id"), rs.getLong("last_seq"));
        }
        return out;
    }

    @Override
    public Optional<ChatMember> member(UUID chatId, UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MEMBER)) {
                Cols.uuid(ps, 1, chatId);
                Cols.uuid(ps, 2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new ChatMember(Cols.uuid(rs, "chat_id"), Cols.uuid(rs, "user_id"),
                            Cols.instant(rs, "joined_at"), rs.getLong("last_read_seq")));
                }
            }
        });
    }

    @Override
    public void markRead(UUID chatId, UUID userId, long seq) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(MARK_READ)) {
                ps.setLong(1, seq);
                Cols.uuid(ps, 2, chatId);
                Cols.uuid(ps, 3, userId);
                ps.setLong(4, seq);
                return ps.executeUpdate();
            }
        });
    }

    private static boolean addMember(Connection c, UUID chatId, UUID userId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADD_MEMBER)) {
            Cols.uuid(ps, 1, chatId);
            Cols.uuid(ps, 2, userId);
            Cols.instant(ps, 3, at);
            return ps.executeUpdate() == 1;
        }
    }

    private Optional<Chat> one(String sql, String a, String b) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, a);
                if (b != null) ps.setString(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    private List<Chat> list(String sql, UUID... keys) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < keys.length; i++) Cols.uuid(ps, i + 1, keys[i]);
                List<Chat> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(map(rs));
                }
                return out;
            }
        });
    }

    private static Chat map(ResultSet rs) throws SQLException {
        return new Chat(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), ChatKind.fromWire(rs.getString("kind")),
                rs.getString("name"), rs.getString("topic"), rs.getString("purpose"), Cols.bool(rs, "archived"),
                Cols.uuid(rs, "created_by"), Cols.instant(rs, "created_at"), rs.getLong("last_seq"),
                rs.getString("dm_key"));
    }
}
