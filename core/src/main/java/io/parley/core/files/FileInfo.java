package io.parley.core.files;

import io.parley.core.chat.Attachment;

import java.time.Instant;
import java.util.UUID;

/**
 * What Parley knows of one upload. Until a message claims it ({@code messageId} null) only its uploader
 * may see it; after that, whoever may read the message's chat. A deleted file ({@code deletedAt} set)
 * is gone for everyone; its blob is collected once nothing else refers to it.
 *
 * @param sha256 the content address of the bytes in the blob store
 * @param contentType sniffed from the bytes on upload, never taken from the client
 * @param width image width when Parley could decode the image (it then has a thumbnail), else null
 * @param thumbSha256 the thumbnail's content address, or null
 * @param originPod null for an upload to this pod; else the pod whose org-shared message carries the file: only its
 *     metadata is here, the bytes stay there and are fetched on download (no blob here, outside the quota)
 * @param scan what the virus scanner made of the upload; null when it was stored with scanning off, and for remote files
 */
public record FileInfo(UUID id, UUID workspaceId, UUID uploaderId, String name, String contentType, long size,
                       String sha256, Integer width, Integer height, String thumbSha256, Instant createdAt,
                       UUID chatId, UUID messageId, Instant deletedAt, String originPod, ScanState scan) {
    /** A file with no scan state: a remote file's metadata (the origin pod scanned its upload, or not). */
    public FileInfo(UUID id, UUID workspaceId, UUID uploaderId, String name, String contentType, long size,
                    String sha256, Integer width, Integer height, String thumbSha256, Instant createdAt,
                    UUID chatId, UUID messageId, Instant deletedAt, String originPod) {
        this(id, workspaceId, uploaderId, name, contentType, size, sha256, width, height, thumbSha256, createdAt, chatId,
                messageId, deletedAt, originPod, null);
    }

    /** {@return whether a message has claimed the file} */
    public boolean attached() { return messageId != null; }

    /** {@return whether the bytes live on another pod} */
    public boolean remote() { return originPod != null; }

    /** {@return whether the file is deleted} */
    public boolean deleted() { return deletedAt != null; }

    /** {@return how the file shows on its message} */
    public Attachment attachment() {
        return new Attachment(id, name, contentType, size, width, height);
    }
}
