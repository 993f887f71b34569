package io.parley.server.store;

import io.parley.server.federation.resilient.ReplicaConfigs.Acks;
import io.parley.server.federation.resilient.ReplicaConfigs.Config;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code resilient_channels} table (V70, V86): each resilient channel's configuration; replicas as comma-separated pod ids. */
final class ResilientChannelsTable {
    private static final String COLS = "org_channel_id, org_id, primary_pod, replicas, replication_class, posting_while_down, topic,"
            + " version, changed_by, term, ack_after_replicas, ack_timeout_ms, on_replica_timeout, updated_at";
    private static final String ALL = "SELECT " + COLS + " FROM resilient_channels ORDER BY org_channel_id";
    private static final String BY_ID = "SELECT " + COLS + " FROM resilient_channels WHERE org_channel_id = ?";
    private static final String UPSERT = "INSERT INTO resilient_channels (" + COLS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (org_channel_id) DO UPDATE SET org_id = excluded.org_id, primary_pod = excluded.primary_pod,"
            + " replicas = excluded.replicas, replication_class = excluded.replication_class,"
            + " posting_while_down = excluded.posting_while_down, topic = excluded.topic, version = excluded.version,"
            + " changed_by = excluded.changed_by, term = excluded.term, ack_after_replicas = excluded.ack_after_replicas,"
            + " ack_timeout_ms = excluded.ack_timeout_ms, on_replica_timeout = excluded.on_replica_timeout,"
            + " updated_at = excluded.updated_at";
    private static final String DELETE = "DELETE FROM resilient_channels WHERE org_channel_id = ?";

    private ResilientChannelsTable() {}

    static Optional<Config> byId(Connection c, String orgChannelId) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.text(orgChannelId), ResilientChannelsTable::row);
    }

    static List<Config> all(Connection c) throws SQLException {
        return Sql.list(c, ALL, Sql.NONE, ResilientChannelsTable::row);
    }

    /** Inserts or replaces the configuration (the caller decides which change wins). */
    static void upsert(Connection c, Config k) throws SQLException {
        Sql.update(c, UPSERT, a -> a.text(k.orgChannelId()).text(k.orgId()).text(k.primary()).text(String.join(",", k.replicas()))
                .text(k.replicationClass()).bool(k.postingWhilePrimaryDown()).text(k.topic()).num(k.version()).text(k.changedBy())
                .num(k.term()).integer(k.acks().afterReplicas()).num(k.acks().timeoutMs()).text(k.acks().onTimeout()).instant(k.updatedAt()));
    }

    static void delete(Connection c, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(orgChannelId));
    }

    private static Config row(ResultSet rs) throws SQLException {
        String reps = rs.getString("replicas");
        return new Config(rs.getString("org_channel_id"), rs.getString("org_id"), rs.getString("primary_pod"),
                reps.isEmpty() ? List.of() : Arrays.asList(reps.split(",")), rs.getString("replication_class"),
                Cols.bool(rs, "posting_while_down"), rs.getString("topic"), rs.getLong("version"), rs.getString("changed_by"),
                rs.getLong("term"), new Acks(rs.getInt("ack_after_replicas"), rs.getLong("ack_timeout_ms"),
                rs.getString("on_replica_timeout")), Cols.instant(rs, "updated_at"));
    }
}
