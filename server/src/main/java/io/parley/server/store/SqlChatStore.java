package io.parley.server.store;

import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatMember;
import io.parley.core.error.ParleyException;
import io.parley.core.store.ChatStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
    private static final String LAST_SEQS = "SELECT c.id, c.last_seq FROM chats c WHERE c.id IN (%s)";
    private static final String ALL_LAST_SEQS = "SELECT c.id, c.last_seq FROM chats c WHERE c.last_seq > 0";
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
                Sql.update(c, INSERT, a -> a.uuid(chat.id()).uuid(chat.workspaceId()).text(chat.kind().wire()).text(chat.name())
                        .text(chat.topic()).text(chat.purpose()).bool(chat.archived()).uuid(chat.createdBy()).instant(chat.createdAt())
                        .text(chat.dmKey()));
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
            db.write(c -> Sql.update(c, UPDATE, a -> a.text(chat.name()).text(chat.topic()).text(chat.purpose()).bool(chat.archived())
                    .uuid(chat.id())));
        } catch (ParleyException e) {
            throw SqlUserStore.rename(e, "channel name is taken");
        }
    }

    @Override
    public long addMember(UUID chatId, UUID userId) {
        return db.write(c -> {
            // serialises with the log writer's posts
            long seq = Sql.one(c, db.lockChatSql(), a -> a.uuid(chatId), rs -> rs.getLong(1))
                    .orElseThrow(() -> ParleyException.notFound("no such chat"));
            return addMember(c, chatId, userId, Instant.now()) ? seq : -1L;
        });
    }

    @Override
    public boolean removeMember(UUID chatId, UUID userId) {
        return db.write(c -> Sql.update(c, REMOVE_MEMBER, a -> a.uuid(chatId).uuid(userId)) == 1);
    }

    @Override
    public List<UUID> memberIds(UUID chatId) {
        return db.read(c -> Sql.list(c, MEMBER_IDS, a -> a.uuid(chatId), rs -> Cols.uuid(rs, "user_id")));
    }

    @Override
    public Map<UUID, Long> lastSeqsOf(UUID userId) {
        return db.read(c -> lastSeqMap(Sql.list(c, LAST_SEQS_OF, a -> a.uuid(userId), SqlChatStore::lastSeq)));
    }

    @Override
    public Map<UUID, Long> lastSeqs(Collection<UUID> chatIds) {
        if (chatIds.isEmpty()) return new HashMap<>();
        return db.read(c -> lastSeqMap(Sql.listIn(c, LAST_SEQS, chatIds, Sql.Args::uuids, SqlChatStore::lastSeq)));
    }

    @Override
    public Map<UUID, Long> allLastSeqs() {
        return db.read(c -> lastSeqMap(Sql.list(c, ALL_LAST_SEQS, Sql.NONE, SqlChatStore::lastSeq)));
    }

    private record LastSeq(UUID chatId, long seq) {}

    private static LastSeq lastSeq(ResultSet rs) throws SQLException {
        return new LastSeq(Cols.uuid(rs, "id"), rs.getLong("last_seq"));
    }

    private static Map<UUID, Long> lastSeqMap(List<LastSeq> rows) {
        Map<UUID, Long> out = new HashMap<>();
        for (LastSeq r : rows) out.put(r.chatId(), r.seq());
        return out;
    }

    @Override
    public Optional<ChatMember> member(UUID chatId, UUID userId) {
        return db.read(c -> Sql.one(c, MEMBER, a -> a.uuid(chatId).uuid(userId), rs -> new ChatMember(Cols.uuid(rs, "chat_id"),
                Cols.uuid(rs, "user_id"), Cols.instant(rs, "joined_at"), rs.getLong("last_read_seq"))));
    }

    @Override
    public void markRead(UUID chatId, UUID userId, long seq) {
        db.write(c -> Sql.update(c, MARK_READ, a -> a.num(seq).uuid(chatId).uuid(userId).num(seq)));
    }

    private static boolean addMember(Connection c, UUID chatId, UUID userId, Instant at) throws SQLException {
        return Sql.update(c, ADD_MEMBER, a -> a.uuid(chatId).uuid(userId).instant(at)) == 1;
    }

    private Optional<Chat> one(String sql, String a, String b) {
        return db.read(c -> Sql.one(c, sql, args -> {
            args.text(a);
            if (b != null) args.text(b);
        }, SqlChatStore::map));
    }

    private List<Chat> list(String sql, UUID... keys) {
        return db.read(c -> Sql.list(c, sql, a -> a.uuids(List.of(keys)), SqlChatStore::map));
    }

    private static Chat map(ResultSet rs) throws SQLException {
        return new Chat(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), ChatKind.fromWire(rs.getString("kind")),
                rs.getString("name"), rs.getString("topic"), rs.getString("purpose"), Cols.bool(rs, "archived"),
                Cols.uuid(rs, "created_by"), Cols.instant(rs, "created_at"), rs.getLong("last_seq"),
                rs.getString("dm_key"));
    }
}
