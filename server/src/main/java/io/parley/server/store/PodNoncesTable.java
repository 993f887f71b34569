package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** The {@code pod_nonces} table: nonces of accepted pod requests, kept until they could no longer be replayed. */
final class PodNoncesTable {
    private static final String INSERT = "INSERT INTO pod_nonces (pod_id, nonce, expires_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (pod_id, nonce) DO NOTHING";
    private static final String PURGE = "DELETE FROM pod_nonces WHERE expires_at < ?";

    private PodNoncesTable() {}

    /** {@return true if the nonce is new} */
    static boolean insert(Connection c, String podId, String nonce, Instant expiresAt) throws SQLException {
        return Sql.update(c, INSERT, a -> a.text(podId).text(nonce).instant(expiresAt)) == 1;
    }

    static int purge(Connection c, Instant now) throws SQLException {
        return Sql.update(c, PURGE, a -> a.instant(now));
    }
}
