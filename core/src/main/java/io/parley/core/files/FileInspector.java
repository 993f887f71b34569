package io.parley.core.files;

import java.io.IOException;
import java.io.InputStream;

/** Looks at stored bytes: what they are (never trusting the client), and a thumbnail when they are an image. */
public interface FileInspector {
    /**
     * The verdict on a file.
     *
     * @param width image width, or null when the bytes are not an image Parley can decode
     * @param thumbnail a small PNG of the image (at most {@link #THUMBNAIL_EDGE} on its longer side), or null
     */
    record Inspection(String contentType, Integer width, Integer height, byte[] thumbnail) {}

    /** Longest edge of a thumbnail, in pixels. */
    int THUMBNAIL_EDGE = 360;

    /** Opens the stored bytes again, as often as the inspector needs. */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    /** @param name the sanitised file name: a hint for types the bytes cannot tell apart (plain text, CSV) */
    Inspection inspect(Source bytes, String name) throws IOException;
}
