package io.parley.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The store contract on SQLite: a fresh database file in a temporary directory (nested, so parents are created). */
class SqliteStoreTest extends MessageLogContract {
    @TempDir
    static Path dir;

    @Override
    StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("data").resolve("parley.db"));
    }
}
