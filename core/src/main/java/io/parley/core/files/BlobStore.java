package io.parley.core.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes by content address (lower-case hex SHA-256). Writing the same bytes twice stores them once.
 * The single-node store is a directory on local disk; a scaled-out pod needs a shared one.
 */
public interface BlobStore {
    /** Where bytes were stored and how many there were. */
    record Stored(String sha256, long size) {}

    /** Reading more than {@code maxBytes} from the stream: nothing was kept. */
    final class TooLarge extends IOException {
        public TooLarge(long maxBytes) {
            super("more than " + maxBytes + " bytes");
        }
    }

    /**
     * Stores everything the stream holds, hashing while writing; becomes visible only when complete.
     *
     * @throws TooLarge past {@code maxBytes} (the partial bytes are discarded)
     */
    Stored put(InputStream in, long maxBytes) throws IOException;

    /** {@return the bytes} @throws java.nio.file.NoSuchFileException when there is no such blob */
    InputStream open(String sha256) throws IOException;

    /**
     * Removes a blob unless it was written at or after {@code writtenBefore} (an upload of the same bytes may
     * be on its way to claiming it). {@return whether it is gone (also when it was missing)}
     */
    boolean delete(String sha256, java.time.Instant writtenBefore) throws IOException;
}
