package io.parley.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.parley.core.error.ParleyException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * The connections of one database, the transaction helpers every table class uses, and the translation of
 * driver errors into Parley's error codes.
 *
 * <p><b>Connections.</b> PostgreSQL: one HikariCP pool of {@code poolSize} for reads and writes, with a 2 s
 * connection timeout so that an outage surfaces as {@code UNAVAILABLE} quickly instead of hanging callers.
 * SQLite: a pool of exactly <em>one</em> write connection and a separate pool of read connections. SQLite
 * allows one writer at a time; a pool of one is that writer guarded by a lock (Hikari's hand-off queue), with
 * a timeout, connection validation and clean reset on return for free, and WAL mode lets the read pool run
 * beside it without blocking. Write transactions start with {@code BEGIN IMMEDIATE} so even a second process
 * on the same file waits on {@code busy_timeout} instead of failing half-way.
 *
 * <p><b>The one dialect difference.</b> {@link #lockChatSql()}: PostgreSQL locks the chat row with
 * {@code FOR UPDATE} so writers on different nodes serialise per chat; SQLite has a single writer already
 * and does not know the clause.
 */
final class Db implements AutoCloseable {
    private static final long PG_CONNECT_TIMEOUT_MS = 2_000;
    private static final int SQLITE_BUSY_TIMEOUT_MS = 5_000;

    private final StoreKind kind;
    private final HikariDataSource readPool;
    private final HikariDataSource writePool;
    private final int retryAfterSeconds;

    private Db(StoreKind kind, HikariDataSource readPool, HikariDataSource writePool, int retryAfterSeconds) {
        this.kind = kind;
        this.readPool = readPool;
        this.writePool = writePool;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Opens the pools; fails with {@code UNAVAILABLE} if the database cannot be reached. */
    static Db open(StoreConfig cfg) {
        try {
            return switch (cfg.kind()) {
                case POSTGRES -> {
                    HikariDataSource pool = new HikariDataSource(pgConfig(cfg));
                    yield new Db(cfg.kind(), pool, pool, cfg.busyRetryAfterSeconds());
                }
                case SQLITE -> {
                    createParentDirs(cfg.jdbcUrl());
                    HikariDataSource writer = new HikariDataSource(sqliteConfig(cfg, "parley-sqlite-write", 1, true));
                    HikariDataSource readers;
                    try {
                        readers = new HikariDataSource(sqliteConfig(cfg, "parley-sqlite-read",
                                Math.max(1, Math.min(cfg.poolSize(), 4)), false));
                    } catch (RuntimeException e) {
                        writer.close();
                        throw e;
                    }
                    yield new Db(cfg.kind(), readers, writer, cfg.busyRetryAfterSeconds());
                }
            };
        } catch (RuntimeException e) {
            if (isConnectivity(e)) throw ParleyException.unavailable("database unavailable", cfg.busyRetryAfterSeconds(), e);
            throw e;
        }
    }

    private static HikariConfig pgConfig(StoreConfig cfg) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("parley-pg");
        hc.setJdbcUrl(cfg.jdbcUrl());
        if (cfg.username() != null) hc.setUsername(cfg.username());
        if (cfg.password() != null) hc.setPassword(cfg.password());
        hc.setMaximumPoolSize(cfg.poolSize());
        hc.setConnectionTimeout(PG_CONNECT_TIMEOUT_MS);
        hc.setValidationTimeout(1_000);
        hc.addDataSourceProperty("connectTimeout", "2");      // seconds, TCP connect
        hc.addDataSourceProperty("socketTimeout", "30");      // seconds, a dead server does not hang a query forever
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true"); // a JDBC batch of inserts becomes multi-row INSERTs
        // Server error details quote row values (a failing row may hold message content): keep them out of
        // exceptions, and so out of logs.
        hc.addDataSourceProperty("logServerErrorDetail", "false");
        return hc;
    }

    private static HikariConfig sqliteConfig(StoreConfig cfg, String name, int size, boolean writer) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(cfg.jdbcUrl());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        // A writer waits for the one connection while another write runs: allow longer than busy_timeout.
        hc.setConnectionTimeout(writer ? 2L * SQLITE_BUSY_TIMEOUT_MS : SQLITE_BUSY_TIMEOUT_MS);
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "FULL");
        hc.addDataSourceProperty("foreign_keys", "true");
        hc.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
        if (writer) hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        return hc;
    }

    private static void createParentDirs(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        if (path.startsWith("file:")) path = path.substring("file:".length());
        if (path.isEmpty() || path.equals(":memory:")) return;
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the database directory " + parent, e);
        }
    }

    StoreKind kind() { return kind; }

    int retryAfterSeconds() { return retryAfterSeconds; }

    /** {@return the data source migrations run on} */
    DataSource migrationDataSource() { return writePool; }

    /** {@return a SELECT that checks a chat exists and, on PostgreSQL, locks its row until commit} */
    String lockChatSql() {
        return kind == StoreKind.POSTGRES ? "SELECT last_seq FROM chats WHERE id = ? FOR UPDATE"
                : "SELECT last_seq FROM chats WHERE id = ?";
    }

    /** Runs read-only work on an auto-commit connection. */
    <T> T read(SqlWork<T> work) {
        try (Connection c = readPool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs work in one write transaction: commits if it returns, rolls back if it throws. */
    <T> T write(SqlWork<T> work) {
        try (Connection c = writePool.getConnection()) {
            return inTransaction(c, work);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** {@return a write connection for the log writer, which manages its own transactions} */
    Connection writeConnection() throws SQLException {
        return writePool.getConnection();
    }

    /** Runs work in a transaction on {@code c}; the caller owns the connection. */
    static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            rollbackQuietly(c, e);
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the pool resets or evicts a broken connection
            }
        }
    }

    static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * {@return the Parley error for a driver error}: connectivity and lock time-outs are {@code UNAVAILABLE},
     * unique violations {@code CONFLICT}, anything else a bug ({@link IllegalStateException})
     */
    RuntimeException translate(SQLException e) {
        if (isConnectivity(e)) return ParleyException.unavailable("database unavailable", retryAfterSeconds, e);
        if (isUniqueViolation(e)) return ParleyException.conflict("already exists");
        return new IllegalStateException("database error (SQLState " + e.getSQLState() + ")", e);
    }

    /** {@return whether a failure means the database could not be reached or was too busy to answer} */
    static boolean isConnectivity(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException) return true;
            if (c instanceof ConnectException || c instanceof SocketException || c instanceof java.io.EOFException) {
                return true;
            }
            if (c instanceof SQLiteException se) {
                int primary = se.getResultCode().code & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            } else if (c instanceof SQLException se && se.getSQLState() != null) {
                String state = se.getSQLState();
                // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now
                if (state.startsWith("08") || state.startsWith("57P")) return true;
            }
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** {@return whether a failure is a violated unique or primary key} */
    static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException se) {
            return se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || se.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
        }
        return "23505".equals(e.getSQLState());
    }

    @Override
    public void close() {
        if (readPool != writePool) readPool.close();
        writePool.close();
    }
}
