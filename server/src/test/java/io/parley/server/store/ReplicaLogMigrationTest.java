package io.parley.server.store;

import io.parley.server.PgTestSchema;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * V85 on a store that holds a replica's sealed log from before it: every row is kept, filed under the primary as its
 * source with no op key yet (the replica computes it on its next start), and the new keys hold — an op key is kept
 * once per channel, rows without one are not in each other's way. On SQLite and on PostgreSQL.
 */
class ReplicaLogMigrationTest {
    @Test
    void sqliteKeepsEveryRowUnderThePrimary(@TempDir Path dir) throws Exception {
        check("jdbc:sqlite:" + dir.resolve("parley.db"), new String[]{"classpath:db/migration/common"});
    }

    @Test
    void postgresKeepsEveryRowUnderThePrimary() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            check(schema.url(), new String[]{"classpath:db/migration/common", "classpath:db/migration/postgresql"});
        }
    }

    private static void check(String url, String[] locations) throws Exception {
        Flyway.configure().dataSource(url, null, null).locations(locations).target("80").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO resilient_channels (org_channel_id, org_id, primary_pod, replicas, replication_class,"
                    + " posting_while_down, topic, version, changed_by, term, updated_at)"
                    + " VALUES ('org:o#a', 'o', 'pod-a', 'pod-b', 'messages', 1, NULL, 1, 'pod-a', 0, 0)");
            st.executeUpdate("INSERT INTO replica_log (org_channel_id, seq, hlc, bytes, sealed) VALUES ('org:o#a', 1, 100, 10, 's1'),"
                    + " ('org:o#a', 2, 101, 11, 's2'), ('org:o#gone', 1, 5, 3, 's3')");
        }
        Flyway.configure().dataSource(url, null, null).locations(locations).load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT org_channel_id, source, seq, hlc, bytes, sealed, op_key FROM replica_log"
                    + " ORDER BY org_channel_id, seq")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getLong(4) + " " + rs.getLong(5)
                            + " " + rs.getString(6) + " " + rs.getString(7));
                }
            }
            assertEquals(List.of("org:o#a pod-a 1 100 10 s1 null", "org:o#a pod-a 2 101 11 s2 null", "org:o#gone  1 5 3 s3 null"), rows);
            try (ResultSet rs = st.executeQuery("SELECT ack_after_replicas, ack_timeout_ms, on_replica_timeout FROM resilient_channels")) {
                rs.next();
                assertEquals("0 3000 refuse", rs.getInt(1) + " " + rs.getLong(2) + " " + rs.getString(3), "acks on commit, as before");
            }
            // The same op from another source is refused by its key; the same seq from another source is not.
            st.executeUpdate("INSERT INTO replica_log (org_channel_id, source, seq, hlc, bytes, sealed, op_key) VALUES ('org:o#a', 'pod-b', 1, 100, 10, 'x', 'k1')");
            assertThrows(java.sql.SQLException.class, () -> st.executeUpdate("INSERT INTO replica_log (org_channel_id, source, seq, hlc, bytes,"
                    + " sealed, op_key) VALUES ('org:o#a', 'pod-c', 7, 100, 10, 'y', 'k1')"));
        }
    }
}
