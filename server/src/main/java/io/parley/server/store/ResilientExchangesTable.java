package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code resilient_exchanges} table (V75): a replica's sealed half of a pending key exchange, one per channel, used
 * once. Taking it deletes the row it read ({@code AND sealed = ?}): of two nodes taking it at once, one gets it.
 */
final class ResilientExchangesTable {
    private static final String UPSERT = "INSERT INTO resilient_exchanges (org_channel_id, sealed, created_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (org_channel_id) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at";
    private static final String GET = "SELECT sealed FROM resilient_exchanges WHERE org_channel_id = ?";
    private static final String TAKE = "DELETE FROM resilient_exchanges WHERE org_channel_id = ? AND sealed = ?";
    private static final String DELETE = "DELETE FROM resilient_exchanges WHERE org_channel_id = ?";

    private ResilientExchangesTable() {}

    /** Keeps the sealed half, replacing an earlier one. */
    static void upsert(Connection c, String orgChannelId, String sealed, Instant at) throws SQLException {
        Sql.update(c, UPSERT, a -> a.text(orgChannelId).text(sealed).instant(at));
    }

    static boolean exists(Connection c, String orgChannelId) throws SQLException {
        return Sql.exists(c, GET, a -> a.text(orgChannelId));
    }

    /** Removes and {@return the sealed half, if there is one and no other node took it meanwhile} */
    static Optional<String> take(Connection c, String orgChannelId) throws SQLException {
        Optional<String> sealed = Sql.one(c, GET, a -> a.text(orgChannelId), rs -> rs.getString("sealed"));
        if (sealed.isEmpty()) return sealed;
        return Sql.update(c, TAKE, a -> a.text(orgChannelId).text(sealed.get())) == 0 ? Optional.empty() : sealed;
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }
}
