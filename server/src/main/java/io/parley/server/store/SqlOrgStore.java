package io.parley.server.store;

import io.parley.server.federation.org.OrgStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link OrgStore} over JDBC: the {@code orgs}, {@code org_members}, {@code org_channels}, {@code org_cursors},
 * {@code org_remote_users}, {@code org_pending} and {@code org_reaction_marks} tables (V65), {@code org_inbound_marks}
 * (V82), and the reads of the chat log the outbox and the digest need. The SQL is one text for SQLite and PostgreSQL.
 */
final class SqlOrgStore implements OrgStore {
    private static final String ORG_COLS = "id, name, home_pod, created_at";
    private static final String CHANNEL_COLS = "id, org_id, name, offered_by, is_private, created_at, chat_id";
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

    private final Db db;

    SqlOrgStore(Db db) {
        this.db = db;
    }

    @Override
    public void insertOrg(Org org) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orgs (" + ORG_COLS + ") VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, org.id());
                ps.setString(2, org.name());
                ps.setString(3, org.homePod());
                Cols.instant(ps, 4, org.createdAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Org> org(String id) {
        return db.read(c -> {
            List<Org> all = orgs(c, " WHERE id = ?", id);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
        });
    }

    @Override
    public List<Org> orgs() {
        return db.read(c -> orgs(c, "", null));
    }

    private static List<Org> orgs(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ORG_COLS + " FROM orgs" + where + " ORDER BY id")) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                List<Org> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Org(rs.getString("id"), rs.getString("name"), rs.getString("home_pod"), Cols.instant(rs, "created_at")));
                }
                return out;
            }
        }
    }

    @Override
    public int addMembers(String orgId, Set<String> pods, Instant at) {
        return db.write(c -> {
            int added = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO org_members (org_id, pod_id, added_at) VALUES (?, ?, ?) ON CONFLICT (org_id, pod_id) DO NOTHING")) {
                for (String pod : pods) {
                    ps.setString(1, orgId);
                    ps.setString(2, pod);
                    Cols.instant(ps, 3, at);
                    added += ps.executeUpdate();
                }
            }
            return added;
        });
    }

    @Override
    public List<String> members(String orgId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pod_id FROM org_members WHERE org_id = ? ORDER BY pod_id")) {
                ps.setString(1, orgId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> out = new ArrayList<>();
                    while (rs.next()) out.add(rs.getString(1));
                    return out;
                }
            }
        });
    }

    @Override
    public boolean offerChannel(OrgChannel ch) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_channels (" + CHANNEL_COLS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, ch.id());
                ps.setString(2, ch.orgId());
                ps.setString(3, ch.name());
                ps.setString(4, ch.offeredBy());
                Cols.bool(ps, 5, ch.isPrivate());
                Cols.instant(ps, 6, ch.createdAt());
                Cols.uuid(ps, 7, ch.chatId());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<OrgChannel> channel(String id) {
        return db.read(c -> first(channels(c, " WHERE id = ?", id)));
    }

    @Override
    public Optional<OrgChannel> channelOfChat(UUID chatId) {
        return db.read(c -> first(channels(c, " WHERE chat_id = ?", chatId.toString())));
    }

    @Override
    public List<OrgChannel> channels() {
        return db.read(c -> channels(c, "", null));
    }

    private static <T> Optional<T> first(List<T> all) {
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    private static List<OrgChannel> channels(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CHANNEL_COLS + " FROM org_channels" + where + " ORDER BY id")) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                List<OrgChannel> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new OrgChannel(rs.getString("id"), rs.getString("org_id"), rs.getString("name"), rs.getString("offered_by"),
                            Cols.bool(rs, "is_private"), Cols.instant(rs, "created_at"), Cols.uuid(rs, "chat_id")));
                }
                return out;
            }
        }
    }

    @Override
    public boolean map(String orgChannelId, UUID chatId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE org_channels SET chat_id = ? WHERE id = ? AND chat_id IS NULL")) {
                Cols.uuid(ps, 1, chatId);
                ps.setString(2, orgChannelId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long cursor(String peer, String orgChannelId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public long sent(String peer, String orgChannelId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sent_seq FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void advance(String peer, String orgChannelId, long seq, long sentSeq, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_cursors (peer_id, org_channel_id, last_seq, sent_seq, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (peer_id, org_channel_id) DO UPDATE SET last_seq = excluded.last_seq,"
                    + " sent_seq = CASE WHEN excluded.sent_seq > org_cursors.sent_seq THEN excluded.sent_seq ELSE org_cursors.sent_seq END,"
                    + " updated_at = excluded.updated_at WHERE org_cursors.last_seq < excluded.last_seq")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                ps.setLong(3, seq);
                ps.setLong(4, sentSeq);
                Cols.instant(ps, 5, at);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void rewind(String peer, String orgChannelId, long seq, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE org_cursors SET last_seq = ?, sent_seq = ?, updated_at = ?"
                    + " WHERE peer_id = ? AND org_channel_id = ? AND sent_seq > ?")) {
                ps.setLong(1, seq);
                ps.setLong(2, seq);
                Cols.instant(ps, 3, at);
                ps.setString(4, peer);
                ps.setString(5, orgChannelId);
                ps.setLong(6, seq);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public java.util.OptionalLong appliedThrough(String originPod, String orgChannelId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT applied_seq FROM org_inbound_marks WHERE origin_pod = ? AND org_channel_id = ?")) {
                ps.setString(1, originPod);
                ps.setString(2, orgChannelId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.OptionalLong.of(rs.getLong(1)) : java.util.OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public void markApplied(String originPod, String orgChannelId, long seq, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_inbound_marks (origin_pod, org_channel_id, applied_seq, updated_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (origin_pod, org_channel_id) DO UPDATE SET applied_seq = excluded.applied_seq,"
                    + " updated_at = excluded.updated_at WHERE org_inbound_marks.applied_seq < excluded.applied_seq")) {
                ps.setString(1, originPod);
                ps.setString(2, orgChannelId);
                ps.setLong(3, seq);
                Cols.instant(ps, 4, at);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<UUID> greatestClientId(UUID chatId, UUID from, UUID to) {
        // Client ids are stored as their canonical text, whose order is the ids' (fixed-width lowercase hex): the
        // (chat, client id) index answers this with one probe.
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT max(client_id) FROM chat_events WHERE chat_id = ? AND client_id >= ?"
                    + " AND client_id <= ?")) {
                Cols.uuid(ps, 1, chatId);
                Cols.uuid(ps, 2, from);
                Cols.uuid(ps, 3, to);
                try (ResultSet rs = ps.executeQuery()) {
                    String id = rs.next() ? rs.getString(1) : null;
                    return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
                }
            }
        });
    }

    @Override
    public LogPage logAfter(UUID chatId, long afterSeq, int limit) {
        return db.read(c -> {
            // The chat's last seq first: every event up to it is committed (the writer moves both in one transaction),
            // so a short page covers everything up to it, including what the filter left out.
            long last = lastSeq(c, chatId);
            try (PreparedStatement ps = c.prepareStatement(LOG_AFTER)) {
                Cols.uuid(ps, 1, chatId);
                ps.setLong(2, afterSeq);
                ps.setLong(3, last);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<LogEntry> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new LogEntry(rs.getLong("seq"), rs.getString("type"), Cols.uuid(rs, "message_id"), Cols.uuid(rs, "actor_id"),
                                rs.getString("emoji"), rs.getLong("hlc"), Cols.instant(rs, "created_at"),
                                Cols.uuid(rs, "sender_id"), rs.getString("content"), Cols.uuid(rs, "thread_root_id"), rs.getString("root_pod"),
                                rs.getString("origin_pod"), Cols.instant(rs, "deleted_at") != null, rs.getString("attachments")));
                    }
                    return new LogPage(out, out.size() == limit ? out.getLast().seq() : Math.max(afterSeq, last));
                }
            }
        });
    }

    @Override
    public long lastSeq(UUID chatId) {
        return db.read(c -> lastSeq(c, chatId));
    }

    private static long lastSeq(Connection c, UUID chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM chats WHERE id = ?")) {
            Cols.uuid(ps, 1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    @Override
    public java.util.Set<UUID> awaited(java.util.Collection<UUID> messageIds) {
        return idsIn("SELECT DISTINCT waits_for FROM org_pending WHERE waits_for IN (", messageIds);
    }

    @Override
    public java.util.Set<UUID> presentMessages(java.util.Collection<UUID> ids) {
        return idsIn("SELECT id FROM messages WHERE id IN (", ids);
    }

    /** {@return the ids the query (ending in {@code IN (}) selects in its first column for these ids, a chunk at a time} */
    private java.util.Set<UUID> idsIn(String sqlUpToIn, java.util.Collection<UUID> ids) {
        java.util.Set<UUID> out = new java.util.HashSet<>();
        if (ids.isEmpty()) return out;
        db.read(c -> {
            for (List<UUID> chunk : Cols.chunks(ids, 500)) {
                try (PreparedStatement ps = c.prepareStatement(sqlUpToIn + Cols.placeholders(chunk.size()) + ")")) {
                    for (int k = 0; k < chunk.size(); k++) Cols.uuid(ps, k + 1, chunk.get(k));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(UUID.fromString(rs.getString(1)));
                    }
                }
            }
            return null;
        });
        return out;
    }

    @Override
    public Optional<UUID> shadowOf(String pod, UUID remoteId) {
        return db.read(c -> shadow(c, pod, remoteId));
    }

    private static Optional<UUID> shadow(Connection c, String pod, UUID remoteId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM org_remote_users WHERE pod_id = ? AND remote_id = ?")) {
            ps.setString(1, pod);
            Cols.uuid(ps, 2, remoteId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(UUID.fromString(rs.getString(1))) : Optional.empty();
            }
        }
    }

    @Override
    public UUID ensureShadow(String pod, UUID remoteId, String handle, String displayName, Instant at) {
        String fullHandle = (handle + "@" + pod).toLowerCase(java.util.Locale.ROOT);
        return db.write(c -> {
            Optional<UUID> existing = shadow(c, pod, remoteId);
            if (existing.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE users SET display_name = ? WHERE id = ? AND display_name <> ?")) {
                    ps.setString(1, displayName);
                    Cols.uuid(ps, 2, existing.get());
                    ps.setString(3, displayName);
                    ps.executeUpdate();
                }
                return existing.get();
            }
            UUID id = UUID.randomUUID();
            // The handle of a renamed remote user may collide with an older shadow's: then the remote id disambiguates.
            String h = taken(c, fullHandle) ? remoteId + "@" + pod : fullHandle;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, email, handle, display_name, password_hash, created_at,"
                    + " deactivated) VALUES (?, ?, ?, ?, NULL, ?, 0)")) {
                Cols.uuid(ps, 1, id);
                ps.setString(2, remoteId + "@" + pod + ".remote.invalid");
                ps.setString(3, h);
                ps.setString(4, displayName);
                Cols.instant(ps, 5, at);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_remote_users (pod_id, remote_id, user_id) VALUES (?, ?, ?)")) {
                ps.setString(1, pod);
                Cols.uuid(ps, 2, remoteId);
                Cols.uuid(ps, 3, id);
                ps.executeUpdate();
            }
            return id;
        });
    }

    private static boolean taken(Connection c, String handle) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE lower(handle) = ?")) {
            ps.setString(1, handle);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public Optional<String> remotePodOf(UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pod_id FROM org_remote_users WHERE user_id = ?")) {
                Cols.uuid(ps, 1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void park(Pending op, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_pending (id, org_channel_id, origin_pod, waits_for, op, received_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                Cols.uuid(ps, 1, op.id());
                ps.setString(2, op.orgChannelId());
                ps.setString(3, op.originPod());
                Cols.uuid(ps, 4, op.waitsFor());
                ps.setString(5, op.op());
                Cols.instant(ps, 6, at);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Pending> unpark(UUID messageId) {
        return db.write(c -> {
            List<Pending> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, org_channel_id, origin_pod, waits_for, op FROM org_pending"
                    + " WHERE waits_for = ? ORDER BY received_at, id")) {
                Cols.uuid(ps, 1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Pending(Cols.uuid(rs, "id"), rs.getString("org_channel_id"), rs.getString("origin_pod"),
                                Cols.uuid(rs, "waits_for"), rs.getString("op")));
                    }
                }
            }
            if (!out.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM org_pending WHERE waits_for = ?")) {
                    Cols.uuid(ps, 1, messageId);
                    ps.executeUpdate();
                }
            }
            return out;
        });
    }

    @Override
    public long reactionMark(UUID messageId, UUID userId, String emoji) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT hlc FROM org_reaction_marks WHERE message_id = ? AND user_id = ? AND emoji = ?")) {
                Cols.uuid(ps, 1, messageId);
                Cols.uuid(ps, 2, userId);
                ps.setString(3, emoji);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    @Override
    public void setReactionMark(UUID messageId, UUID userId, String emoji, boolean present, long hlc) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_reaction_marks (message_id, user_id, emoji, present, hlc)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET present = excluded.present,"
                    + " hlc = excluded.hlc WHERE org_reaction_marks.hlc < excluded.hlc")) {
                Cols.uuid(ps, 1, messageId);
                Cols.uuid(ps, 2, userId);
                ps.setString(3, emoji);
                Cols.bool(ps, 4, present);
                ps.setLong(5, hlc);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<MessageRow> messages(UUID chatId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MESSAGES)) {
                Cols.uuid(ps, 1, chatId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<MessageRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new MessageRow(Cols.uuid(rs, "id"), rs.getString("origin_pod"), Cols.uuid(rs, "sender_id"),
                                rs.getString("sender_pod"), Cols.uuid(rs, "sender_remote"), Cols.uuid(rs, "thread_root_id"),
                                rs.getString("root_pod"), rs.getLong("posted_hlc"), rs.getLong("hlc"), rs.getString("content"),
                                Cols.instant(rs, "deleted_at") != null, rs.getLong("seq")));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public List<ReactionRow> reactions(UUID chatId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(REACTIONS)) {
                Cols.uuid(ps, 1, chatId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<ReactionRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new ReactionRow(Cols.uuid(rs, "message_id"), Cols.uuid(rs, "user_id"), rs.getString("pod_id"),
                                Cols.uuid(rs, "remote_id"), rs.getString("emoji")));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public List<UUID> mergedOrder(UUID chatId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(MERGED)) {
                Cols.uuid(ps, 1, chatId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<UUID> out = new ArrayList<>();
                    while (rs.next()) out.add(Cols.uuid(rs, "id"));
                    return out.reversed();
                }
            }
        });
    }

    @Override
    public List<io.parley.core.files.FileInfo> files(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read(c -> FilesTable.byIds(c, ids));
    }

    @Override
    public boolean insertRemoteFile(io.parley.core.files.FileInfo f) {
        if (f.originPod() == null) throw new IllegalArgumentException("not a remote file");
        return db.write(c -> {
            Optional<io.parley.core.files.FileInfo> existing = FilesTable.byId(c, f.id());
            if (existing.isEmpty()) {
                FilesTable.insert(c, f);
                return true;
            }
            io.parley.core.files.FileInfo e = existing.get();
            return f.originPod().equals(e.originPod()) && e.uploaderId().equals(f.uploaderId())
                    && e.workspaceId().equals(f.workspaceId()) && !e.attached() && !e.deleted();
        });
    }

    @Override
    public void markMapped(String peer, String orgChannelId, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_peer_mappings (peer_id, org_channel_id, mapped_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (peer_id, org_channel_id) DO NOTHING")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                Cols.instant(ps, 3, at);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean peerMaps(String peer, String orgChannelId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM org_peer_mappings WHERE peer_id = ? AND org_channel_id = ?")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public Set<UUID> orgChatsOf(UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT oc.chat_id FROM org_channels oc WHERE oc.chat_id IS NOT NULL AND ("
                    + "EXISTS (SELECT 1 FROM messages m WHERE m.sender_id = ? AND m.chat_id = oc.chat_id)"
                    + " OR EXISTS (SELECT 1 FROM org_reaction_marks r JOIN messages m ON m.id = r.message_id"
                    + " WHERE r.user_id = ? AND m.chat_id = oc.chat_id))")) {
                Cols.uuid(ps, 1, userId);
                Cols.uuid(ps, 2, userId);
                Set<UUID> out = new java.util.HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(Cols.uuid(rs, "chat_id"));
                }
                return out;
            }
        });
    }

    @Override
    public boolean acquireLease(String name, String holder, Instant now, Instant until) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO org_leases (name, holder, expires_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
                    + " WHERE org_leases.holder = excluded.holder OR org_leases.expires_at < ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                Cols.instant(ps, 3, until);
                Cols.instant(ps, 4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void releaseLease(String name, String holder) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM org_leases WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
