package io.parley.server.wire;

import io.parley.core.chat.Attachment;
import io.parley.core.files.FileInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * A file as the files API shows it: what a message shows ({@link AttachmentView}), plus who uploaded it,
 * when, the message and chat it is attached to (absent while it is not attached yet), and what the virus scanner
 * made of it ({@code clean}, {@code unscanned}; absent when it was stored with scanning off, or is a remote file).
 */
public record FileView(UUID id, String name, String contentType, long size, AttachmentView.Size image,
                       AttachmentView.Size thumbnail, UUID uploaderId, Instant createdAt, UUID chatId, UUID messageId,
                       String originPod, String scan) {
    public static FileView of(FileInfo f) {
        Attachment a = f.attachment();
        return new FileView(a.id(), a.name(), a.contentType(), a.size(), AttachmentView.image(a), AttachmentView.thumbnail(a),
                f.uploaderId(), f.createdAt(), f.chatId(), f.messageId(), f.originPod(), f.scan() == null ? null : f.scan().wire());
    }
}
