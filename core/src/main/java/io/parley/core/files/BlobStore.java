package io.parley.core.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes by content address (lower-case hex SHA-256). Writing the same bytes twice stores them once.
 * The single-node store is a directory on local disk; a scaled-out pod needs a shared one.
 *
 * <p>A write is staged first ({@link #stage}): the bytes are counted and hashed into a temporary place where nobody
 * can read them, so they can be looked at (scanned) before they are committed under their address, or discarded.
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
     * Bytes written aside, not readable through the store until {@link #commit}; closing without committing
     * discards them.
     */
    interface Staged extends AutoCloseable {
        /** {@return the content address the bytes will have} */
        String sha256();

        /** {@return how many bytes there are} */
        long size();

        /** {@return the staged bytes, read again from the start} */
        InputStream open() throws IOException;

        /** Makes the bytes readable under their address. {@return where they are} */
        Stored commit() throws IOException;

        /** Discards the staged bytes (what was committed stays). */
        @Override
        void close() throws IOException;
    }

    /**
     * Writes everything the stream holds aside, hashing while writing.
     *
     * @throws TooLarge past {@code maxBytes} (the partial bytes are discarded)
     */
    Staged stage(InputStream in, long maxBytes) throws IOException;

    /**
     * Stores everything the stream holds, hashing while writing; becomes visible only when complete.
     *
     * @throws TooLarge past {@code maxBytes} (the partial bytes are discarded)
     */
    default Stored put(InputStream in, long maxBytes) throws IOException {
        try (Staged staged = stage(in, maxBytes)) {
            return staged.commit();
        }
    }

    /** {@return the bytes} @throws java.nio.file.NoSuchFileException when there is no such blob */
    InputStream open(String sha256) throws IOException;

    /**
     * Removes a blob unless it was written at or after {@code writtenBefore} (an upload of the same bytes may
     * be on its way to claiming it). {@return whether it is gone (also when it was missing)}
     */
    boolean delete(String sha256, java.time.Instant writtenBefore) throws IOException;
}
