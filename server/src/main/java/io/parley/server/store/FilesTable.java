package io.parley.server.store;

import io.parley.core.chat.Attachment;
import io.parley.core.error.ParleyException;
import io.parley.core.files.FileInfo;
import io.parley.core.files.ScanState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code files} table: one row per upload. A message claims its files in its own transaction
 * ({@link #claim}); deleting the message marks them deleted ({@link #deleteForMessage}); blobs that no live
 * row refers to any more are collected ({@link #orphanedBlobs}, {@link #purge}).
 */
final class FilesTable {
    private static final String COLUMNS = "id, workspace_id, uploader_id, name, content_type, size, sha256, width, height,"
            + " thumb_sha256, created_at, chat_id, message_id, deleted_at, origin_pod, scan";
    private static final String INSERT = "INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM files WHERE id = ?";
    private static final String BY_IDS = "SELECT " + COLUMNS + " FROM files WHERE id IN (%s)";
    private static final String USED = "SELECT COALESCE(SUM(size), 0) FROM files WHERE workspace_id = ? AND deleted_at IS NULL"
            + " AND origin_pod IS NULL"; // a remote file's bytes are stored on its origin pod
    // Claims only what is still unclaimed and the actor's: a concurrent claim of the same file updates nothing.
    private static final String CLAIM = "UPDATE files SET chat_id = ?, message_id = ? WHERE id = ? AND uploader_id = ?"
            + " AND message_id IS NULL AND deleted_at IS NULL";
    private static final String DELETE_FOR_MESSAGE = "UPDATE files SET deleted_at = ? WHERE message_id = ? AND deleted_at IS NULL";
    private static final String EXPIRE = "UPDATE files SET deleted_at = ? WHERE message_id IS NULL AND deleted_at IS NULL"
            + " AND created_at < ?";
    // A blob may go when the rows naming it (as file or thumbnail) are all deleted. Remote files have no blob here.
    private static final String ORPHANS = "SELECT f.sha256 FROM files f WHERE f.deleted_at IS NOT NULL AND f.deleted_at <= ?"
            + " AND f.origin_pod IS NULL AND NOT EXISTS (SELECT 1 FROM files g WHERE g.deleted_at IS NULL AND g.origin_pod IS NULL"
            + " AND (g.sha256 = f.sha256 OR g.thumb_sha256 = f.sha256))"
            + " UNION SELECT f.thumb_sha256 FROM files f WHERE f.deleted_at IS NOT NULL AND f.deleted_at <= ? AND f.thumb_sha256 IS NOT NULL"
            + " AND f.origin_pod IS NULL AND NOT EXISTS (SELECT 1 FROM files g WHERE g.deleted_at IS NULL AND g.origin_pod IS NULL"
            + " AND (g.sha256 = f.thumb_sha256 OR g.thumb_sha256 = f.thumb_sha256))";

    private FilesTable() {}

    static void insert(Connection c, FileInfo f) throws SQLException {
        Sql.update(c, INSERT, a -> a.uuid(f.id()).uuid(f.workspaceId()).uuid(f.uploaderId()).text(f.name()).text(f.contentType())
                .num(f.size()).text(f.sha256()).integer(f.width()).integer(f.height()).text(f.thumbSha256()).instant(f.createdAt())
                .text(f.originPod()).text(f.scan() == null ? null : f.scan().wire()));
    }

    static Optional<FileInfo> byId(Connection c, UUID id) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.uuid(id), FilesTable::map);
    }

    static List<FileInfo> byIds(Connection c, Collection<UUID> ids) throws SQLException {
        return Sql.listIn(c, BY_IDS, ids, Sql.Args::uuids, FilesTable::map);
    }

    static long usedBytes(Connection c, UUID workspaceId) throws SQLException {
        return Sql.longOr(c, USED, a -> a.uuid(workspaceId), 0L);
    }

    /**
     * Checks, before the message's first write, that every attachment is the actor's unclaimed upload in the
     * workspace (a {@link ParleyException} here leaves the transaction clean).
     */
    static void checkClaimable(Connection c, UUID workspaceId, UUID actorId, List<Attachment> files) throws SQLException {
        if (files.isEmpty()) return;
        List<FileInfo> found = byIds(c, files.stream().map(Attachment::id).toList());
        for (Attachment a : files) {
            FileInfo f = found.stream().filter(x -> x.id().equals(a.id())).findFirst()
                    .filter(x -> !x.deleted() && x.uploaderId().equals(actorId) && x.workspaceId().equals(workspaceId))
                    .orElseThrow(() -> ParleyException.notFound("no such file: " + a.id()));
            if (f.attached()) throw ParleyException.conflict("file " + a.id() + " is attached to another message already");
        }
    }

    /**
     * Links the files to their message. Checked already; if a concurrent writer (another node) claimed one in
     * between, this fails the transaction, and the writer's one-by-one retry reports the conflict cleanly.
     */
    static void claim(Connection c, UUID chatId, UUID messageId, UUID actorId, List<Attachment> files) throws SQLException {
        if (files.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            for (Attachment a : files) {
                Cols.uuid(ps, 1, chatId);
                Cols.uuid(ps, 2, messageId);
                Cols.uuid(ps, 3, a.id());
                Cols.uuid(ps, 4, actorId);
                if (ps.executeUpdate() != 1) throw new SQLException("file " + a.id() + " was claimed concurrently", "40001");
            }
        }
    }

    static void deleteForMessage(Connection c, UUID messageId, Instant at) throws SQLException {
        Sql.update(c, DELETE_FOR_MESSAGE, a -> a.instant(at).uuid(messageId));
    }

    static int expireUnattached(Connection c, Instant before, Instant now) throws SQLException {
        return Sql.update(c, EXPIRE, a -> a.instant(now).instant(before));
    }

    static List<String> orphanedBlobs(Connection c, Instant deletedBefore) throws SQLException {
        return Sql.list(c, ORPHANS, a -> a.instant(deletedBefore).instant(deletedBefore), rs -> rs.getString(1));
    }

    /** Forgets the rows deleted before the instant, except those naming a blob in {@code kept}. */
    static void purge(Connection c, Instant deletedBefore, Collection<String> kept) throws SQLException {
        StringBuilder sql = new StringBuilder("DELETE FROM files WHERE deleted_at IS NOT NULL AND deleted_at <= ?");
        if (!kept.isEmpty()) {
            String in = Cols.placeholders(kept.size());
            sql.append(" AND sha256 NOT IN (").append(in).append(") AND (thumb_sha256 IS NULL OR thumb_sha256 NOT IN (")
                    .append(in).append("))");
        }
        Sql.update(c, sql.toString(), a -> a.instant(deletedBefore).texts(kept).texts(kept));
    }

    /** Live attached files in the chats whose lower-cased name contains every word, newest first. */
    static List<FileInfo> findByName(Connection c, Set<UUID> chatIds, Set<UUID> uploaderIds, List<String> words, int offset,
                                     int limit) throws SQLException {
        if (chatIds.isEmpty() || (uploaderIds != null && uploaderIds.isEmpty())) return List.of();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM files WHERE deleted_at IS NULL AND message_id IS NOT NULL"
                + " AND chat_id IN (" + Cols.placeholders(chatIds.size()) + ")");
        if (uploaderIds != null) sql.append(" AND uploader_id IN (").append(Cols.placeholders(uploaderIds.size())).append(')');
        for (int i = 0; i < words.size(); i++) sql.append(" AND lower(name) LIKE ? ESCAPE '!'");
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
        return Sql.list(c, sql.toString(), a -> {
            a.uuids(chatIds);
            if (uploaderIds != null) a.uuids(uploaderIds);
            for (String w : words) a.text("%" + likeEscape(w.toLowerCase(Locale.ROOT)) + "%");
            a.num(limit).num(offset);
        }, FilesTable::map);
    }

    private static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static Integer integer(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static FileInfo map(ResultSet rs) throws SQLException {
        return new FileInfo(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), Cols.uuid(rs, "uploader_id"), rs.getString("name"),
                rs.getString("content_type"), rs.getLong("size"), rs.getString("sha256"), integer(rs, "width"),
                integer(rs, "height"), rs.getString("thumb_sha256"), Cols.instant(rs, "created_at"), Cols.uuid(rs, "chat_id"),
                Cols.uuid(rs, "message_id"), Cols.instant(rs, "deleted_at"), rs.getString("origin_pod"),
                ScanState.ofWire(rs.getString("scan")));
    }
}
