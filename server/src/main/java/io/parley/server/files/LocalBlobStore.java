package io.parley.server.files;

import io.parley.core.files.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Blobs in a directory: {@code blobs/ab/cd/abcd…} by SHA-256. A write goes to a temporary file in the same
 * file system, hashed and counted as it streams, forced to disk, then renamed over its address, so a blob
 * is either complete or absent and a crash never leaves half a file under a real name. Until the rename the
 * bytes are staged ({@link #stage}): readable by whoever scans them, by nobody else. Writing bytes that
 * are there already replaces them with identical bytes (and refreshes the time the collector looks at).
 */
public final class LocalBlobStore implements BlobStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path blobs;
    private final Path tmp;

    public LocalBlobStore(Path root) throws IOException {
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
    }

    @Override
    public Staged stage(InputStream in, long maxBytes) throws IOException {
        return new TempFile(StagedFile.write(tmp, in, maxBytes));
    }

    /** A staged upload: a temporary file under {@code tmp/}, renamed to its address on commit. */
    private final class TempFile extends StagedFile {
        TempFile(Written written) {
            super(written);
        }

        @Override
        public Stored commit() throws IOException {
            Path target = path(sha256());
            Files.createDirectories(target.getParent());
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(target.getParent());
            return new Stored(sha256(), size());
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        return Files.newInputStream(path(sha256));
    }

    @Override
    public boolean delete(String sha256, Instant writtenBefore) throws IOException {
        Path p = path(sha256);
        try {
            if (!Files.getLastModifiedTime(p).toInstant().isBefore(writtenBefore)) return false;
        } catch (NoSuchFileException e) {
            return true;
        }
        Files.deleteIfExists(p);
        return true;
    }

    /** {@return where a blob lives} @throws NoSuchFileException for anything that is not a SHA-256 in hex */
    private Path path(String sha256) throws NoSuchFileException {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) throw new NoSuchFileException(String.valueOf(sha256));
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true); // the rename itself survives a crash
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot open a directory; the rename is still atomic there
        }
    }

}
