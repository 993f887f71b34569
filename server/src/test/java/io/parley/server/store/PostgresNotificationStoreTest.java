package io.parley.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The notification store contract on PostgreSQL, in a schema of its own (same rules as {@link PostgresStoreTest}). */
class PostgresNotificationStoreTest extends NotificationStoreContract {
    private static final String URL = System.getenv().getOrDefault("PARLEY_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private boolean created;

    @Override
    StoreConfig config() {
        String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema + "&ApplicationName=" + schema;
        return StoreConfig.of(StoreKind.POSTGRES, url, null, null);
    }

    @Override
    void prepare() {
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            created = true;
        } catch (SQLException e) {
            boolean ci = "true".equals(System.getenv("CI"));
            assumeTrue(ci, () -> "PostgreSQL unreachable at " + URL + ": " + e.getMessage() + " (set CI=true to fail instead)");
            throw new AssertionError("PostgreSQL unreachable at " + URL + " and CI=true", e);
        }
    }

    @Override
    void cleanUp() throws SQLException {
        if (!created) return;
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
