package io.parley.core.chat;

import java.util.UUID;

/**
 * A file attached to a message, as readers see it with the message. Files are immutable once
 * uploaded, so this snapshot is stored with the message and never goes stale.
 *
 * @param contentType the type sniffed from the bytes on upload (never the client's claim)
 * @param width the image's width in pixels when it is an image Parley could read (it then has a thumbnail), else null
 * @param height the image's height, likewise
 */
public record Attachment(UUID id, String name, String contentType, long size, Integer width, Integer height) {
    /** {@return whether a thumbnail exists} */
    public boolean hasThumbnail() { return width != null; }
}
