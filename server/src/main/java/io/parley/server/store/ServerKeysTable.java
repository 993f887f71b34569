package io.parley.server.store;

import io.parley.server.push.PushStore.ServerKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code server_keys} table: key pairs the server makes once and every node shares (VAPID). */
final class ServerKeysTable {
    private static final String BY_NAME = "SELECT name, private_key, public_key, created_at FROM server_keys WHERE name = ?";
    // Both SQLite (3.24+) and PostgreSQL know ON CONFLICT … DO NOTHING: the first node to start wins.
    private static final String INSERT = "INSERT INTO server_keys (name, private_key, public_key, created_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING";

    private ServerKeysTable() {}

    static Optional<ServerKey> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_NAME)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new ServerKey(rs.getString("name"), rs.getString("private_key"), rs.getString("public_key"),
                        Cols.instant(rs, "created_at")));
            }
        }
    }

    static void insertIfAbsent(Connection c, ServerKey k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, k.name());
            ps.setString(2, k.privateKey());
            ps.setString(3, k.publicKey());
            Cols.instant(ps, 4, k.createdAt());
            ps.executeUpdate();
        }
    }
}
