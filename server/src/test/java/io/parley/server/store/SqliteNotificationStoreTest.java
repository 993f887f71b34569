package io.parley.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The notification store contract on SQLite. */
class SqliteNotificationStoreTest extends NotificationStoreContract {
    @TempDir
    static Path dir;

    @Override
    StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("data").resolve("parley.db"));
    }
}
