package io.parley.server.wire;

import io.parley.core.chat.Attachment;
import io.parley.core.files.FileInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * A file as the files API shows it: what a message shows ({@link AttachmentView}), plus who uploaded it,
 * when, and the message and chat it is attached to (absent while it is not attached yet).
 */
public record FileView(UUID id, String name, String contentType, long size, AttachmentView.Size image,
                       AttachmentView.Size thumbnail, UUID uploaderId, Instant createdAt, UUID chatId, UUID messageId,
                       String originPod) {
    public static FileView of(FileInfo f) {
        Attachment a = f.attachment();
        return new FileView(a.id(), a.name(), a.contentType(), a.size(), AttachmentView.image(a), AttachmentView.thumbnail(a),
                f.uploaderId(), f.createdAt(), f.chatId(), f.messageId(), f.originPod());
    }
}
