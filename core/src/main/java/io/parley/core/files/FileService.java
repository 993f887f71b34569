package io.parley.core.files;

import io.parley.core.chat.Attachment;
import io.parley.core.chat.ChatService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.error.RateLimitedException;
import io.parley.core.id.Uuid7;
import io.parley.core.realtime.RateAction;
import io.parley.core.realtime.RateLimiter;
import io.parley.core.store.WorkspaceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every rule about files: who may upload (workspace members, 10 uploads a minute), how much (a size limit
 * per file, a quota per workspace), what a file is (sniffed from its bytes), who may read it (its uploader
 * until a message claims it, then whoever may read that message's chat), and when it goes (with its message,
 * or after a day unclaimed).
 *
 * <p>An upload streams aside into the blob store while it is hashed, so a file is never held in memory; the
 * virus scanner (when there is one) reads the staged bytes, and only a file it lets through is committed under its
 * address, so an infected file is never stored, served, thumbnailed or indexed. Then it is inspected (type, image
 * size, thumbnail) and its metadata stored. A file that fails a later check leaves nothing behind but a blob the
 * collector removes.
 */
public final class FileService {
    private static final Logger log = LoggerFactory.getLogger(FileService.class);
    /** Largest number of files on one message. */
    public static final int MAX_ATTACHMENTS = 10;
    /** How recently written a blob may be and still be collected. */
    static final java.time.Duration BLOB_GRACE = java.time.Duration.ofMinutes(10);

    private final FileStore files;
    private final BlobStore blobs;
    private final FileInspector inspector;
    private final WorkspaceStore workspaces;
    private final ChatService chats;
    private final RateLimiter limiter;
    private final FileSettings settings;
    private final Clock clock;
    private final UploadScanning scanning;

    /** @param scanning the virus scanner uploads pass before they are stored ({@link UploadScanning#OFF}: none) */
    public FileService(FileStore files, BlobStore blobs, FileInspector inspector, UploadScanning scanning, WorkspaceStore workspaces,
                       ChatService chats, RateLimiter limiter, FileSettings settings, Clock clock) {
        this.files = files;
        this.blobs = blobs;
        this.inspector = inspector;
        this.scanning = scanning;
        this.workspaces = workspaces;
        this.chats = chats;
        this.limiter = limiter;
        this.settings = settings;
        this.clock = clock;
    }

    /** {@return the limits} */
    public FileSettings settings() { return settings; }

    /**
     * Stores an upload for its uploader, unattached.
     *
     * @param declaredSize the request's Content-Length, or -1 when the body is streamed without one
     * @throws ParleyException NOT_FOUND (not a member), RATE_LIMITED, FILE_TOO_LARGE, QUOTA_EXCEEDED,
     *     INVALID (empty file), FILE_INFECTED, SCAN_UNAVAILABLE (see {@link UploadScanning}); UNAVAILABLE if the bytes
     *     could not be stored
     */
    public FileInfo upload(UUID userId, UUID workspaceId, String rawName, long declaredSize, InputStream body) {
        workspaces.membership(workspaceId, userId).orElseThrow(() -> ParleyException.notFound("no such workspace"));
        RateLimiter.Decision d = limiter.acquire(userId, RateAction.UPLOAD, null);
        if (!d.allowed()) {
            throw new RateLimitedException(ErrorCode.RATE_LIMITED, "too many uploads; retry after " + d.retryAfterSeconds()
                    + " s", d.retryAfterSeconds(), d.limit(), d.remaining());
        }
        if (declaredSize > settings.maxBytes()) throw tooLarge();
        long room = settings.workspaceQuotaBytes() - files.usedBytes(workspaceId);
        if (declaredSize > room || room <= 0) throw quotaExceeded();
        String name = FileNames.sanitise(rawName);
        long limit = Math.min(settings.maxBytes(), room);
        BlobStore.Stored stored;
        ScanState scan;
        // Scanned while staged, committed only when the scan allows it: a refused file is never readable.
        try (BlobStore.Staged staged = stage(body, limit)) {
            if (staged.size() == 0) throw ParleyException.invalid("the file is empty");
            scan = scanning.check(staged::open, userId, workspaceId);
            stored = staged.commit();
        } catch (IOException e) {
            throw ParleyException.unavailable("the file could not be stored", 5, e);
        }
        FileInspector.Inspection seen;
        String thumb = null;
        try {
            seen = inspector.inspect(() -> blobs.open(stored.sha256()), name);
            if (seen.thumbnail() != null) {
                thumb = blobs.put(new java.io.ByteArrayInputStream(seen.thumbnail()), seen.thumbnail().length).sha256();
            }
        } catch (IOException e) {
            throw ParleyException.unavailable("the file could not be read back", 5, e);
        }
        FileInfo f = new FileInfo(Uuid7.next(), workspaceId, userId, name, seen.contentType(), stored.size(), stored.sha256(),
                thumb == null ? null : seen.width(), thumb == null ? null : seen.height(), thumb, clock.instant(),
                null, null, null, null, scan);
        files.insert(f);
        return f;
    }

    /** Streams the body aside; {@return the staged bytes} @throws ParleyException FILE_TOO_LARGE or QUOTA_EXCEEDED past {@code limit} */
    private BlobStore.Staged stage(InputStream body, long limit) throws IOException {
        try {
            return blobs.stage(body, limit);
        } catch (BlobStore.TooLarge e) {
            throw limit == settings.maxBytes() ? tooLarge() : quotaExceeded();
        }
    }

    /**
     * The attachments of a message being posted: the sender's own uploads in this workspace, not yet
     * claimed by another message. The log transaction claims them; this check makes a failure a clear error.
     */
    public List<Attachment> attachable(UUID userId, UUID workspaceId, List<UUID> fileIds) {
        if (fileIds == null || fileIds.isEmpty()) return List.of();
        LinkedHashSet<UUID> wanted = new LinkedHashSet<>(fileIds);
        if (wanted.contains(null)) throw ParleyException.invalid("attachments must be file ids");
        if (wanted.size() > MAX_ATTACHMENTS) throw ParleyException.invalid("at most " + MAX_ATTACHMENTS + " attachments per message");
        Map<UUID, FileInfo> found = files.byIds(wanted).stream().collect(Collectors.toMap(FileInfo::id, Function.identity()));
        List<Attachment> out = new ArrayList<>(wanted.size());
        for (UUID id : wanted) {
            FileInfo f = found.get(id);
            if (f == null || f.deleted() || !f.uploaderId().equals(userId) || !f.workspaceId().equals(workspaceId)) {
                throw ParleyException.notFound("no such file: " + id);
            }
            if (f.attached()) throw ParleyException.conflict("file " + id + " is attached to another message already");
            out.add(f.attachment());
        }
        return out;
    }

    /** {@return a file the caller may see} @throws ParleyException NOT_FOUND otherwise (no existence leak) */
    public FileInfo file(UUID userId, UUID fileId) {
        FileInfo f = files.byId(fileId).filter(x -> !x.deleted()).orElseThrow(FileService::noSuchFile);
        if (!f.attached()) {
            if (!f.uploaderId().equals(userId)) throw noSuchFile();
            return f;
        }
        try {
            chats.requireReadable(userId, f.chatId());
        } catch (ParleyException e) {
            throw noSuchFile();
        }
        return f;
    }

    /**
     * {@return a remote file (an attachment of an org-shared message whose bytes stay on {@code originPod}) the caller may
     * read} Named by its origin too, it is no secret that it exists: a caller who may not read its chat is refused.
     *
     * @throws ParleyException NOT_FOUND (no such live remote file of that pod), FORBIDDEN (the caller may not read its chat)
     */
    public FileInfo remoteFile(UUID userId, String originPod, UUID fileId) {
        FileInfo f = files.byId(fileId).filter(x -> !x.deleted() && x.attached() && x.remote() && x.originPod().equals(originPod))
                .orElseThrow(FileService::noSuchFile);
        try {
            chats.requireReadable(userId, f.chatId());
        } catch (ParleyException e) {
            throw ParleyException.forbidden("you may not read the chat of this file");
        }
        return f;
    }

    /** {@return the bytes of a file the caller may see} */
    public InputStream content(FileInfo readable) {
        return open(readable.sha256());
    }

    /** {@return the thumbnail of a file the caller may see} @throws ParleyException NOT_FOUND when it has none */
    public InputStream thumbnail(FileInfo readable) {
        if (readable.thumbSha256() == null) throw ParleyException.notFound("the file has no thumbnail");
        return open(readable.thumbSha256());
    }

    private InputStream open(String sha) {
        try {
            return blobs.open(sha);
        } catch (NoSuchFileException e) {
            throw noSuchFile();
        } catch (IOException e) {
            throw ParleyException.unavailable("the file cannot be read now", 5, e);
        }
    }

    /**
     * Housekeeping, run periodically: deletes uploads never attached within the configured time, then removes
     * blobs no live file refers to. A blob written in the last {@link #BLOB_GRACE} is left for the next round:
     * an upload of the same bytes may have rewritten it and not stored its row yet. {@return blobs removed}
     */
    public int collect() {
        java.time.Instant now = clock.instant();
        int expired = files.expireUnattached(now.minus(settings.unattachedTtl()), now);
        if (expired > 0) log.info("deleted {} uploads never attached to a message", expired);
        int removed = 0;
        List<String> kept = new ArrayList<>();
        for (String sha : files.orphanedBlobs(now)) {
            try {
                if (blobs.delete(sha, now.minus(BLOB_GRACE))) removed++;
                else kept.add(sha);
            } catch (IOException e) {
                log.warn("removing a blob failed; it is retried next round", e);
                kept.add(sha);
            }
        }
        files.purgeDeleted(now, kept);
        return removed;
    }

    private static ParleyException noSuchFile() {
        return ParleyException.notFound("no such file");
    }

    private ParleyException tooLarge() {
        return new ParleyException(ErrorCode.FILE_TOO_LARGE, "files may be at most " + settings.maxBytes() + " bytes");
    }

    private static ParleyException quotaExceeded() {
        return new ParleyException(ErrorCode.QUOTA_EXCEEDED, "the workspace's file storage is full");
    }
}
