package io.parley.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The push store's contract on SQLite. */
class SqlitePushStoreTest extends PushStoreContract {
    @TempDir
    static Path dir;

    @Override
    StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("parley.db"));
    }
}
