package io.parley.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The org store contract on SQLite: a fresh database file in a temporary directory. */
class SqliteOrgStoreTest extends OrgStoreContract {
    @TempDir
    static Path dir;

    @Override
    StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("parley.db"));
    }
}
