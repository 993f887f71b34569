package io.parley.server.store;

import io.parley.core.files.BlobStore;
import io.parley.server.files.StagedFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/**
 * Blobs in PostgreSQL ({@code blobs}, {@code blob_chunks}): what a scaled-out pod uses, so that a file uploaded
 * through one node downloads through any other. An upload is staged in a local temporary file while it is
 * counted and hashed (its address is only known at the end), where it can be scanned before anyone may read it;
 * its commit copies it in 1 MiB chunks in one transaction; the same bytes uploaded again only refresh
 * {@code written_at} (which the collector's grace period reads).
 * Reading fetches one chunk per query, so a download holds no connection while the client is slow.
 */
final class PgBlobStore implements BlobStore {
    static final int CHUNK = 1 << 20;
    private static final String CLAIM = "INSERT INTO blobs (sha256, size, written_at) VALUES (?, ?, ?) ON CONFLICT (sha256)"
            + " DO UPDATE SET written_at = EXCLUDED.written_at RETURNING (xmax = 0) AS inserted";
    private static final String CHUNK_INSERT = "INSERT INTO blob_chunks (sha256, idx, data) VALUES (?, ?, ?)";
    private static final String SIZE = "SELECT size FROM blobs WHERE sha256 = ?";
    private static final String CHUNK_READ = "SELECT data FROM blob_chunks WHERE sha256 = ? AND idx = ?";
    private static final String DELETE = "DELETE FROM blobs WHERE sha256 = ? AND written_at < ?";

    private final Db db;
    private final Path staging;

    PgBlobStore(Db db, Path staging) throws IOException {
        this.db = db;
        this.staging = Files.createDirectories(staging);
    }

    @Override
    public Staged stage(InputStream in, long maxBytes) throws IOException {
        return new ChunkedCopy(StagedFile.write(staging, in, maxBytes));
    }

    /** A staged upload: a local temporary file, copied into the database on commit. */
    private final class ChunkedCopy extends StagedFile {
        ChunkedCopy(Written written) {
            super(written);
        }

        @Override
        public Stored commit() throws IOException {
            try {
                db.write(c -> {
                    boolean fresh;
                    try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                        ps.setString(1, sha256());
                        ps.setLong(2, size());
                        ps.setLong(3, System.currentTimeMillis());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            fresh = rs.getBoolean(1);
                        }
                    }
                    if (!fresh) return null; // the same bytes are stored already (or being stored by the transaction we waited for)
                    try (InputStream staged = Files.newInputStream(part); PreparedStatement ps = c.prepareStatement(CHUNK_INSERT)) {
                        byte[] chunk = new byte[CHUNK];
                        for (int idx = 0; ; idx++) {
                            int n = staged.readNBytes(chunk, 0, CHUNK);
                            if (n == 0 && idx > 0) break;
                            ps.setString(1, sha256());
                            ps.setInt(2, idx);
                            ps.setBytes(3, n == CHUNK ? chunk : java.util.Arrays.copyOf(chunk, n));
                            ps.executeUpdate();
                            if (n < CHUNK) break;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new Stored(sha256(), size());
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        Long size = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(SIZE)) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        if (size == null) throw new NoSuchFileException(sha256);
        return new ChunkStream(sha256, size);
    }

    @Override
    public boolean delete(String sha256, Instant writtenBefore) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setString(1, sha256);
                ps.setLong(2, writtenBefore.toEpochMilli());
                if (ps.executeUpdate() == 1) return true; // its chunks go with it (ON DELETE CASCADE)
            }
            try (PreparedStatement ps = c.prepareStatement(SIZE)) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return !rs.next(); // gone already: done; still there: written too recently
                }
            }
        });
    }

    /** A blob read chunk by chunk, each chunk its own short query. */
    private final class ChunkStream extends InputStream {
        private final String sha;
        private final long size;
        private byte[] chunk = new byte[0];
        private int pos;
        private int next;
        private long read;

        ChunkStream(String sha, long size) {
            this.sha = sha;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos == chunk.length) {
                if (read >= size) return -1;
                int idx = next++;
                chunk = db.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement(CHUNK_READ)) {
                        ps.setString(1, sha);
                        ps.setInt(2, idx);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? rs.getBytes(1) : null;
                        }
                    }
                });
                if (chunk == null) throw new IOException("blob " + sha + " lost chunk " + idx);
                pos = 0;
                if (chunk.length == 0) return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            read += n;
            return n;
        }
    }

}
