package io.parley.server.store;

import io.parley.server.federation.link.StoredKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code pod_identity} table: the one key pair every node of a scaled-out pod signs with (row {@code pod}). */
final class PodIdentityTable {
    private static final String NAME = "pod";
    private static final String SELECT = "SELECT public_key, private_key, checksum, created_at FROM pod_identity WHERE name = ?";
    // The first node to start wins; the others read its row back.
    private static final String INSERT = "INSERT INTO pod_identity (name, public_key, private_key, checksum, created_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING";

    private PodIdentityTable() {}

    static Optional<StoredKey> get(Connection c) throws SQLException {
        return Sql.one(c, SELECT, a -> a.text(NAME), rs -> new StoredKey(rs.getString("public_key"), rs.getString("private_key"),
                Cols.instant(rs, "created_at"), rs.getString("checksum")));
    }

    static void insertIfAbsent(Connection c, StoredKey k) throws SQLException {
        Sql.update(c, INSERT, a -> a.text(NAME).text(k.publicKey()).text(k.privateKey()).text(k.checksum()).instant(k.createdAt()));
    }
}
