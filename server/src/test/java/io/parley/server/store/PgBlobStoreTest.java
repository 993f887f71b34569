package io.parley.server.store;

import io.parley.core.files.BlobStore;
import io.parley.server.PgTestSchema;
import io.parley.server.files.LocalBlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blob store contract on both stores: PostgreSQL's chunked tables and the directory on disk. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgBlobStoreTest {
    @TempDir
    Path tmp;
    private PgTestSchema schema;
    private Stores stores;

    @BeforeAll
    void open() {
        schema = PgTestSchema.create();
        stores = Stores.open(StoreConfig.of(StoreKind.POSTGRES, schema.url(), null, null), "pod-a");
    }

    @AfterAll
    void close() throws Exception {
        if (stores != null) stores.close();
        if (schema != null) schema.close();
    }

    @Test
    void theDatabaseStoreKeepsTheContract() throws Exception {
        contract(stores.databaseBlobs(tmp.resolve("staging")));
    }

    @Test
    void theDiskStoreKeepsTheContract() throws Exception {
        contract(new LocalBlobStore(tmp.resolve("disk")));
    }

    private static void contract(BlobStore blobs) throws Exception {
        byte[] big = new byte[PgBlobStore.CHUNK * 2 + 12_345];
        new Random(1).nextBytes(big);
        BlobStore.Stored a = blobs.put(new ByteArrayInputStream(big), big.length);
        BlobStore.Stored again = blobs.put(new ByteArrayInputStream(big), big.length);
        assertEquals(a, again, "content-addressed: the same bytes, the same blob");
        assertEquals(big.length, a.size());
        try (InputStream in = blobs.open(a.sha256())) {
            assertArrayEquals(big, in.readAllBytes());
        }
        byte[] exact = new byte[PgBlobStore.CHUNK];
        new Random(2).nextBytes(exact);
        BlobStore.Stored one = blobs.put(new ByteArrayInputStream(exact), exact.length);
        try (InputStream in = blobs.open(one.sha256())) {
            assertArrayEquals(exact, in.readAllBytes(), "exactly one chunk");
        }

        assertThrows(BlobStore.TooLarge.class, () -> blobs.put(new ByteArrayInputStream(new byte[1001]), 1000));
        assertThrows(NoSuchFileException.class, () -> blobs.open("0".repeat(64)));

        assertFalse(blobs.delete(a.sha256(), Instant.now().minus(Duration.ofMinutes(10))), "written just now: kept");
        assertTrue(blobs.delete(a.sha256(), Instant.now().plusSeconds(5)));
        assertThrows(NoSuchFileException.class, () -> blobs.open(a.sha256()));
        assertTrue(blobs.delete(a.sha256(), Instant.now()), "deleting a missing blob is done");
        staging(blobs);
    }

    /** Staged bytes can be read (scanned) before they are committed, by nobody through the store; discarded ones never are. */
    private static void staging(BlobStore blobs) throws Exception {
        byte[] bytes = new byte[PgBlobStore.CHUNK + 7];
        new Random(3).nextBytes(bytes);
        String sha;
        try (BlobStore.Staged staged = blobs.stage(new ByteArrayInputStream(bytes), bytes.length)) {
            sha = staged.sha256();
            assertEquals(bytes.length, staged.size());
            try (InputStream in = staged.open()) {
                assertArrayEquals(bytes, in.readAllBytes(), "the staged bytes, read again");
            }
            assertThrows(NoSuchFileException.class, () -> blobs.open(sha), "not readable before the commit");
        }
        assertThrows(NoSuchFileException.class, () -> blobs.open(sha), "discarded");

        try (BlobStore.Staged staged = blobs.stage(new ByteArrayInputStream(bytes), bytes.length)) {
            assertEquals(new BlobStore.Stored(sha, bytes.length), staged.commit());
        }
        try (InputStream in = blobs.open(sha)) {
            assertArrayEquals(bytes, in.readAllBytes(), "committed, and kept when the staging is closed");
        }
    }
}
