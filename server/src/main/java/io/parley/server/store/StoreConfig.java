package io.parley.server.store;

import java.util.Objects;

/**
 * How to reach the database. Validation of values belongs to the application's config; this record only
 * guards against nulls and fills defaults.
 *
 * @param kind which database
 * @param jdbcUrl e.g. {@code jdbc:sqlite:./data/parley.db} or {@code jdbc:postgresql://host/db}
 * @param username may be null (SQLite, or credentials in the URL)
 * @param password may be null
 * @param poolSize connections in the pool (PostgreSQL) or read connections (SQLite); default 10
 * @param writerBatchMax most log commands committed in one transaction; default 512
 * @param busyRetryAfterSeconds the retry-after told to clients when the database is unavailable; default 2
 */
public record StoreConfig(StoreKind kind, String jdbcUrl, String username, String password, int poolSize,
                          int writerBatchMax, int busyRetryAfterSeconds) {
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final int DEFAULT_WRITER_BATCH_MAX = 512;
    public static final int DEFAULT_BUSY_RETRY_AFTER_SECONDS = 2;

    public StoreConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (poolSize <= 0) poolSize = DEFAULT_POOL_SIZE;
        if (writerBatchMax <= 0) writerBatchMax = DEFAULT_WRITER_BATCH_MAX;
        if (busyRetryAfterSeconds <= 0) busyRetryAfterSeconds = DEFAULT_BUSY_RETRY_AFTER_SECONDS;
    }

    /** {@return a config with default pool, batch and retry settings} */
    public static StoreConfig of(StoreKind kind, String jdbcUrl, String username, String password) {
        return new StoreConfig(kind, jdbcUrl, username, password, DEFAULT_POOL_SIZE, DEFAULT_WRITER_BATCH_MAX,
                DEFAULT_BUSY_RETRY_AFTER_SECONDS);
    }

    /** {@return a SQLite config for a database file} */
    public static StoreConfig sqlite(java.nio.file.Path file) {
        return of(StoreKind.SQLITE, "jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }
}
