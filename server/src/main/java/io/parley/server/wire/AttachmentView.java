package io.parley.server.wire;

import io.parley.core.chat.Attachment;
import io.parley.core.files.FileInspector;

import java.util.UUID;

/**
 * A file on the wire, on its message and from the files API. {@code image} is the picture's size and
 * {@code thumbnail} the size of its thumbnail ({@code GET /api/v1/files/{id}/thumbnail}); both are absent for
 * files that are not images Parley can decode.
 */
public record AttachmentView(UUID id, String name, String contentType, long size, Size image, Size thumbnail) {
    /** Pixels. */
    public record Size(int width, int height) {}

    public static AttachmentView of(Attachment a) {
        return new AttachmentView(a.id(), a.name(), a.contentType(), a.size(), image(a), thumbnail(a));
    }

    static Size image(Attachment a) {
        return a.hasThumbnail() ? new Size(a.width(), a.height()) : null;
    }

    /** {@return the thumbnail's size: the image scaled to fit {@link FileInspector#THUMBNAIL_EDGE}, never up} */
    static Size thumbnail(Attachment a) {
        if (!a.hasThumbnail()) return null;
        double scale = Math.min(1.0, (double) FileInspector.THUMBNAIL_EDGE / Math.max(a.width(), a.height()));
        return new Size(Math.max(1, (int) Math.round(a.width() * scale)), Math.max(1, (int) Math.round(a.height() * scale)));
    }
}
