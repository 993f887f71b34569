package io.parley.server.store;

import io.parley.server.federation.resilient.ReplicaConfigs.Offer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The {@code resilient_offers} table (V70): the latest handshake outcome with each pod, per channel. */
final class ResilientOffersTable {
    private static final String UPSERT = "INSERT INTO resilient_offers (org_channel_id, pod_id, status, reason, at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (org_channel_id, pod_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at";
    private static final String OF_CHANNEL = "SELECT pod_id, status, reason, at FROM resilient_offers WHERE org_channel_id = ? ORDER BY pod_id";
    private static final String DELETE = "DELETE FROM resilient_offers WHERE org_channel_id = ?";

    private ResilientOffersTable() {}

    static void upsert(Connection c, Offer o) throws SQLException {
        Sql.update(c, UPSERT, a -> a.text(o.orgChannelId()).text(o.pod()).text(o.status()).text(o.reason()).instant(o.at()));
    }

    /** {@return the channel's offers, by pod} */
    static List<Offer> ofChannel(Connection c, String orgChannelId) throws SQLException {
        return Sql.list(c, OF_CHANNEL, a -> a.text(orgChannelId), rs -> new Offer(orgChannelId, rs.getString("pod_id"),
                rs.getString("status"), rs.getString("reason"), Cols.instant(rs, "at")));
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }
}
