package io.parley.server.store;

import io.parley.server.push.PushStore.ServerKey;

import java.sql.Connection;
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
        return Sql.one(c, BY_NAME, a -> a.text(name), rs -> new ServerKey(rs.getString("name"), rs.getString("private_key"),
                rs.getString("public_key"), Cols.instant(rs, "created_at")));
    }

    static void insertIfAbsent(Connection c, ServerKey k) throws SQLException {
        Sql.update(c, INSERT, a -> a.text(k.name()).text(k.privateKey()).text(k.publicKey()).instant(k.createdAt()));
    }
}
