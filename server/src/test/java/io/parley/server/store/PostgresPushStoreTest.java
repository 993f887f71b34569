package io.parley.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The push store's contract on PostgreSQL ({@code PARLEY_TEST_PG}, as {@link PostgresStoreTest}), in a schema of
 * its own dropped afterwards; skipped when PostgreSQL is down unless {@code CI=true}.
 */
class PostgresPushStoreTest extends PushStoreContract {
    private static final String URL = System.getenv().getOrDefault("PARLEY_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private boolean created;

    @Override
    StoreConfig config() {
        return StoreConfig.of(StoreKind.POSTGRES, URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema, null, null);
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
