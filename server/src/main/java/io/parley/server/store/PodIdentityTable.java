package io.parley.server.store;

import io.parley.server.federation.link.StoredKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new StoredKey(rs.getString("public_key"), rs.getString("private_key"),
                        Cols.instant(rs, "created_at"), rs.getString("checksum")));
            }
        }
    }

    static void insertIfAbsent(Connection c, StoredKey k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, NAME);
            ps.setString(2, k.publicKey());
            ps.setString(3, k.privateKey());
            ps.setString(4, k.checksum());
            Cols.instant(ps, 5, k.createdAt());
            ps.executeUpdate();
        }
    }
}
