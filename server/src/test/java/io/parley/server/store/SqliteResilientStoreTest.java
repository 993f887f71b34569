package io.parley.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The resilient store contract on SQLite: a fresh database file in a temporary directory. */
class SqliteResilientStoreTest extends ResilientStoreContract {
    @TempDir
    static Path dir;

    @Override
    StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("parley.db"));
    }
}
