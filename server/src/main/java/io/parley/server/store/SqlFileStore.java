package io.parley.server.store;

import io.parley.core.files.FileInfo;
import io.parley.core.files.FileStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link FileStore} over the {@code files} table (claims and message deletes run in the log writer's transactions). */
final class SqlFileStore implements FileStore {
    private final Db db;

    SqlFileStore(Db db) {
        this.db = db;
    }

    @Override
    public void insert(FileInfo file) {
        db.write(c -> {
            FilesTable.insert(c, file);
            return null;
        });
    }

    @Override
    public Optional<FileInfo> byId(UUID id) {
        return db.read(c -> FilesTable.byId(c, id));
    }

    @Override
    public List<FileInfo> byIds(Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read(c -> FilesTable.byIds(c, ids));
    }

    @Override
    public long usedBytes(UUID workspaceId) {
        return db.read(c -> FilesTable.usedBytes(c, workspaceId));
    }

    @Override
    public List<FileInfo> findByName(Set<UUID> chatIds, Set<UUID> uploaderIds, List<String> words, int offset, int limit) {
        return db.read(c -> FilesTable.findByName(c, chatIds, uploaderIds, words, offset, limit));
    }

    @Override
    public int expireUnattached(Instant before, Instant now) {
        return db.write(c -> FilesTable.expireUnattached(c, before, now));
    }

    @Override
    public List<String> orphanedBlobs(Instant deletedBefore) {
        return db.read(c -> FilesTable.orphanedBlobs(c, deletedBefore));
    }

    @Override
    public void purgeDeleted(Instant deletedBefore, Collection<String> kept) {
        db.write(c -> {
            FilesTable.purge(c, deletedBefore, kept);
            return null;
        });
    }
}
