package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** The {@code org_peer_mappings} table (V66): which peers are known to map which org channels. */
final class OrgPeerMappingsTable {
    private static final String INSERT = "INSERT INTO org_peer_mappings (peer_id, org_channel_id, mapped_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (peer_id, org_channel_id) DO NOTHING";
    private static final String EXISTS = "SELECT 1 FROM org_peer_mappings WHERE peer_id = ? AND org_channel_id = ?";

    private OrgPeerMappingsTable() {}

    static void insert(Connection c, String peer, String orgChannelId, Instant at) throws SQLException {
        Sql.update(c, INSERT, a -> a.text(peer).text(orgChannelId).instant(at));
    }

    static boolean exists(Connection c, String peer, String orgChannelId) throws SQLException {
        return Sql.exists(c, EXISTS, a -> a.text(peer).text(orgChannelId));
    }
}
