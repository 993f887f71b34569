package io.parley.server.files;

import io.parley.core.files.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An upload staged in a local temporary file, counted and hashed as it streams (its address is known only at the end):
 * what both blob stores stage, so it can be read again (scanned) before anyone may get it. A store says only what
 * committing means for it; closing deletes the file, which is gone already when a commit moved it.
 */
public abstract class StagedFile implements BlobStore.Staged {
    private static final int BUFFER = 64 * 1024;

    /** The temporary file; a commit reads or moves it. */
    protected final Path part;
    private final String sha256;
    private final long size;

    /** Stages what {@link #write} wrote. */
    protected StagedFile(Written written) {
        this.part = written.part();
        this.sha256 = written.sha256();
        this.size = written.size();
    }

    /** A temporary file with every byte of an upload, its SHA-256 (hex) and size. */
    public record Written(Path part, String sha256, long size) {}

    /**
     * Copies the stream into a new temporary file in {@code dir}, hashing and counting, forced to disk before it returns
     * (a message may refer to the bytes as soon as they are committed); the file is deleted if anything fails.
     *
     * @throws BlobStore.TooLarge past {@code maxBytes}
     */
    public static Written write(Path dir, InputStream in, long maxBytes) throws IOException {
        MessageDigest sha = newSha256();
        Path part = Files.createTempFile(dir, "upload-", ".part");
        try {
            long size = 0;
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) > 0; ) {
                    size += n;
                    if (size > maxBytes) throw new BlobStore.TooLarge(maxBytes);
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
                out.flush();
                ch.force(true);
            }
            return new Written(part, HexFormat.of().formatHex(sha.digest()), size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    @Override
    public final String sha256() { return sha256; }

    @Override
    public final long size() { return size; }

    @Override
    public final InputStream open() throws IOException {
        return Files.newInputStream(part);
    }

    @Override
    public final void close() throws IOException {
        Files.deleteIfExists(part);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
