package io.parley.core.files;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The file metadata. Claiming files for a message happens inside the message's log transaction (the
 * store's log writer does it for a {@link io.parley.core.store.LogCommand.Post} with attachments), so
 * a message and its files are linked atomically; deleting a message marks its files deleted likewise.
 */
public interface FileStore {
    void insert(FileInfo file);

    Optional<FileInfo> byId(UUID id);

    /** {@return the files with these ids that exist (any state)} */
    List<FileInfo> byIds(Collection<UUID> ids);

    /** {@return the bytes of the workspace's files that are not deleted} (the quota's measure) */
    long usedBytes(UUID workspaceId);

    /**
     * {@return live attached files in these chats whose name contains every one of {@code words}
     * (case-insensitive), uploaded by one of {@code uploaderIds} (null: anyone), newest first} — the files search scope
     */
    List<FileInfo> findByName(Set<UUID> chatIds, Set<UUID> uploaderIds, List<String> words, int offset, int limit);

    /** Marks deleted the files never attached that were uploaded before {@code before}; {@return how many} */
    int expireUnattached(Instant before, Instant now);

    /**
     * {@return content addresses of files (and thumbnails) deleted before the instant that no live file
     * refers to} — blobs the collector may remove
     */
    List<String> orphanedBlobs(Instant deletedBefore);

    /** Forgets the files deleted at or before the instant, except those naming a blob in {@code kept} (not collected yet). */
    void purgeDeleted(Instant deletedBefore, Collection<String> kept);
}
