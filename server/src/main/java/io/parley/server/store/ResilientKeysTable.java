package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code resilient_keys} table (V70): each channel's key, wrapped under this pod's key. */
final class ResilientKeysTable {
    private static final String GET = "SELECT wrapped FROM resilient_keys WHERE org_channel_id = ?";
    private static final String UPSERT = "INSERT INTO resilient_keys (org_channel_id, wrapped) VALUES (?, ?)"
            + " ON CONFLICT (org_channel_id) DO UPDATE SET wrapped = excluded.wrapped";
    private static final String DELETE = "DELETE FROM resilient_keys WHERE org_channel_id = ?";

    private ResilientKeysTable() {}

    static Optional<String> get(Connection c, String orgChannelId) throws SQLException {
        return Sql.one(c, GET, a -> a.text(orgChannelId), rs -> rs.getString("wrapped"));
    }

    static void upsert(Connection c, String orgChannelId, String wrapped) throws SQLException {
        Sql.update(c, UPSERT, a -> a.text(orgChannelId).text(wrapped));
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }
}
