package io.parley.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fresh PostgreSQL schema for one test class ({@code PARLEY_TEST_PG}, default 127.0.0.1:5432/test as
 * postgres), dropped afterwards. When PostgreSQL is unreachable the test is skipped with a printed
 * reason — unless {@code CI=true}, where it fails.
 */
public final class PgTestSchema implements AutoCloseable {
    public static final String URL = System.getenv().getOrDefault("PARLEY_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private PgTestSchema() {}

    /** Creates the schema, or skips (fails under CI) when PostgreSQL is down. */
    public static PgTestSchema create() {
        PgTestSchema s = new PgTestSchema();
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + s.schema);
        } catch (SQLException e) {
            boolean ci = "true".equals(System.getenv("CI"));
            if (!ci) System.out.println("Skipping PostgreSQL tests: PostgreSQL unreachable at " + URL + " (" + e.getMessage() + ")");
            assumeTrue(ci, () -> "PostgreSQL unreachable at " + URL + ": " + e.getMessage() + " (set CI=true to fail instead)");
            throw new AssertionError("PostgreSQL unreachable at " + URL + " and CI=true", e);
        }
        return s;
    }

    /** {@return a JDBC URL pointing into the schema} */
    public String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** {@return TestServer overrides for a node on this schema} */
    public Map<String, String> serverConfig() {
        return Map.of("store.kind", "postgres", "store.url", url(), "store.pool_size", "4");
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.out.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }
}
