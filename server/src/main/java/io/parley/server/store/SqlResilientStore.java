package io.parley.server.store;

import io.parley.server.federation.resilient.ResilientStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link ResilientStore} over JDBC (V70, V75, V85 tables; one SQL text for SQLite and PostgreSQL). */
final class SqlResilientStore implements ResilientStore {
    private static final String CONFIG_COLS = "org_channel_id, org_id, primary_pod, replicas, replication_class, posting_while_down, topic,"
            + " version, changed_by, term, ack_after_replicas, ack_timeout_ms, on_replica_timeout, updated_at";
    private static final String SEALED_COLS = "source, seq, hlc, bytes, sealed, op_key";
    /** The sealed log's order: each origin's hlcs grow, so each origin's ops come in its own order. */
    private static final String AFTER = " AND (hlc > ? OR (hlc = ? AND (source > ? OR (source = ? AND seq > ?)))) ORDER BY hlc, source, seq LIMIT ?";
    private static final String FEED = "SELECT e.seq, e.type, e.message_id, e.actor_id, u.handle, u.display_name, ru.pod_id AS remote_pod,"
            + " ru.remote_id, e.emoji, e.hlc, e.created_at, m.content, m.thread_root_id, rt.origin_pod AS root_pod, m.origin_pod, m.deleted_at"
            + " FROM chat_events e JOIN messages m ON m.id = e.message_id"
            + " LEFT JOIN messages rt ON rt.id = m.thread_root_id"
            + " LEFT JOIN users u ON u.id = e.actor_id"
            + " LEFT JOIN org_remote_users ru ON ru.user_id = e.actor_id"
            + " WHERE e.chat_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?";

    private final Db db;

    SqlResilientStore(Db db) {
        this.db = db;
    }

    @Override
    public Optional<Config> config(String orgChannelId) {
        return db.read(c -> configs(c, " WHERE org_channel_id = ?", orgChannelId).stream().findFirst());
    }

    @Override
    public List<Config> configs() {
        return db.read(c -> configs(c, "", null));
    }

    private static List<Config> configs(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFIG_COLS + " FROM resilient_channels" + where + " ORDER BY org_channel_id")) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                List<Config> out = new ArrayList<>();
                while (rs.next()) {
                    String reps = rs.getString("replicas");
                    out.add(new Config(rs.getString("org_channel_id"), rs.getString("org_id"), rs.getString("primary_pod"),
                            reps.isEmpty() ? List.of() : Arrays.asList(reps.split(",")), rs.getString("replication_class"),
                            Cols.bool(rs, "posting_while_down"), rs.getString("topic"), rs.getLong("version"), rs.getString("changed_by"),
                            rs.getLong("term"), new Acks(rs.getInt("ack_after_replicas"), rs.getLong("ack_timeout_ms"),
                            rs.getString("on_replica_timeout")), Cols.instant(rs, "updated_at")));
                }
                return out;
            }
        }
    }

    @Override
    public void saveConfig(Config k) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resilient_channels (" + CONFIG_COLS + ")"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (org_channel_id) DO UPDATE SET org_id = excluded.org_id, primary_pod = excluded.primary_pod,"
                    + " replicas = excluded.replicas, replication_class = excluded.replication_class,"
                    + " posting_while_down = excluded.posting_while_down, topic = excluded.topic, version = excluded.version,"
                    + " changed_by = excluded.changed_by, term = excluded.term, ack_after_replicas = excluded.ack_after_replicas,"
                    + " ack_timeout_ms = excluded.ack_timeout_ms, on_replica_timeout = excluded.on_replica_timeout,"
                    + " updated_at = excluded.updated_at")) {
                ps.setString(1, k.orgChannelId());
                ps.setString(2, k.orgId());
                ps.setString(3, k.primary());
                ps.setString(4, String.join(",", k.replicas()));
                ps.setString(5, k.replicationClass());
                Cols.bool(ps, 6, k.postingWhilePrimaryDown());
                ps.setString(7, k.topic());
                ps.setLong(8, k.version());
                ps.setString(9, k.changedBy());
                ps.setLong(10, k.term());
                ps.setInt(11, k.acks().afterReplicas());
                ps.setLong(12, k.acks().timeoutMs());
                ps.setString(13, k.acks().onTimeout());
                Cols.instant(ps, 14, k.updatedAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public long forget(String id) {
        return db.write(c -> {
            long bytes = storedBytes(c, id);
            for (String t : List.of("resilient_channels", "resilient_offers", "resilient_keys", "resilient_exchanges", "resilient_cursors",
                    "replica_log")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE org_channel_id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
            return bytes;
        });
    }

    @Override
    public void recordOffer(Offer o) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resilient_offers (org_channel_id, pod_id, status, reason, at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (org_channel_id, pod_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at")) {
                ps.setString(1, o.orgChannelId());
                ps.setString(2, o.pod());
                ps.setString(3, o.status());
                ps.setString(4, o.reason());
                Cols.instant(ps, 5, o.at());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Offer> offers(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pod_id, status, reason, at FROM resilient_offers WHERE org_channel_id = ? ORDER BY pod_id")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Offer> out = new ArrayList<>();
                    while (rs.next()) out.add(new Offer(id, rs.getString(1), rs.getString(2), rs.getString(3), Cols.instant(rs, "at")));
                    return out;
                }
            }
        });
    }

    @Override
    public Optional<String> wrappedKey(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT wrapped FROM resilient_keys WHERE org_channel_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void saveKey(String id, String wrapped) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resilient_keys (org_channel_id, wrapped) VALUES (?, ?)"
                    + " ON CONFLICT (org_channel_id) DO UPDATE SET wrapped = excluded.wrapped")) {
                ps.setString(1, id);
                ps.setString(2, wrapped);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void savePendingExchange(String id, String sealed, Instant at) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resilient_exchanges (org_channel_id, sealed, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (org_channel_id) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at")) {
                ps.setString(1, id);
                ps.setString(2, sealed);
                Cols.instant(ps, 3, at);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<String> takePendingExchange(String id) {
        return db.write(c -> {
            String sealed = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT sealed FROM resilient_exchanges WHERE org_channel_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) sealed = rs.getString(1);
                }
            }
            if (sealed == null) return Optional.<String>empty();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM resilient_exchanges WHERE org_channel_id = ? AND sealed = ?")) {
                ps.setString(1, id);
                ps.setString(2, sealed);
                if (ps.executeUpdate() == 0) return Optional.<String>empty(); // another node took it meanwhile
            }
            return Optional.of(sealed);
        });
    }

    @Override
    public boolean hasPendingExchange(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM resilient_exchanges WHERE org_channel_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public long cursor(String id, String pod) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM resilient_cursors WHERE org_channel_id = ? AND pod_id = ?")) {
                ps.setString(1, id);
                ps.setString(2, pod);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public Map<String, Long> cursors(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pod_id, seq FROM resilient_cursors WHERE org_channel_id = ? ORDER BY pod_id")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    Map<String, Long> out = new LinkedHashMap<>();
                    while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                    return out;
                }
            }
        });
    }

    @Override
    public void advance(String id, String pod, long seq) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resilient_cursors (org_channel_id, pod_id, seq) VALUES (?, ?, ?)"
                    + " ON CONFLICT (org_channel_id, pod_id) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > resilient_cursors.seq")) {
                ps.setString(1, id);
                ps.setString(2, pod);
                ps.setLong(3, seq);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void resetCursor(String id, String pod) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM resilient_cursors WHERE org_channel_id = ? AND pod_id = ?")) {
                ps.setString(1, id);
                ps.setString(2, pod);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public long store(String id, List<SealedOp> ops) {
        return db.write(c -> {
            long added = 0;
            // No conflict target: an op already held under its (source, seq) or, fed by another source, under its op key
            // is skipped alike.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO replica_log (org_channel_id, " + SEALED_COLS + ")"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (SealedOp op : ops) {
                    ps.setString(1, id);
                    ps.setString(2, op.source());
                    ps.setLong(3, op.seq());
                    ps.setLong(4, op.hlc());
                    ps.setLong(5, op.bytes());
                    ps.setString(6, op.sealed());
                    ps.setString(7, op.opKey());
                    if (ps.executeUpdate() > 0) added += op.bytes();
                }
            }
            return added;
        });
    }

    @Override
    public Set<String> heldKeys(String id, Collection<String> opKeys) {
        if (opKeys.isEmpty()) return Set.of();
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            List<String> keys = List.copyOf(opKeys);
            for (int from = 0; from < keys.size(); from += 500) { // bounded IN lists
                List<String> part = keys.subList(from, Math.min(keys.size(), from + 500));
                try (PreparedStatement ps = c.prepareStatement("SELECT op_key FROM replica_log WHERE org_channel_id = ? AND op_key IN ("
                        + String.join(", ", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
                    ps.setString(1, id);
                    for (int i = 0; i < part.size(); i++) ps.setString(i + 2, part.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<SealedOp> storedAfter(String id, Position after, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEALED_COLS + " FROM replica_log WHERE org_channel_id = ?" + AFTER)) {
                ps.setString(1, id);
                ps.setLong(2, after.hlc());
                ps.setLong(3, after.hlc());
                ps.setString(4, after.source());
                ps.setString(5, after.source());
                ps.setLong(6, after.seq());
                ps.setInt(7, limit);
                return sealed(ps);
            }
        });
    }

    private static List<SealedOp> sealed(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<SealedOp> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new SealedOp(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6)));
            }
            return out;
        }
    }

    @Override
    public int storedOps(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM replica_log WHERE org_channel_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    @Override
    public List<SealedOp> withoutOpKey(String id, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEALED_COLS + " FROM replica_log WHERE org_channel_id = ? AND op_key IS NULL"
                    + " ORDER BY source, seq LIMIT ?")) {
                ps.setString(1, id);
                ps.setInt(2, limit);
                return sealed(ps);
            }
        });
    }

    @Override
    public void setOpKeys(String id, List<SealedOp> ops) {
        db.write(c -> {
            try (PreparedStatement held = c.prepareStatement("SELECT 1 FROM replica_log WHERE org_channel_id = ? AND op_key = ?");
                 PreparedStatement set = c.prepareStatement("UPDATE replica_log SET op_key = ? WHERE org_channel_id = ? AND source = ? AND seq = ?");
                 PreparedStatement drop = c.prepareStatement("DELETE FROM replica_log WHERE org_channel_id = ? AND source = ? AND seq = ?")) {
                for (SealedOp op : ops) {
                    held.setString(1, id);
                    held.setString(2, op.opKey());
                    boolean duplicate;
                    try (ResultSet rs = held.executeQuery()) {
                        duplicate = rs.next();
                    }
                    PreparedStatement ps = duplicate ? drop : set;
                    int i = 1;
                    if (!duplicate) ps.setString(i++, op.opKey());
                    ps.setString(i++, id);
                    ps.setString(i++, op.source());
                    ps.setLong(i, op.seq());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public long storedBytes(String id) {
        return db.read(c -> storedBytes(c, id));
    }

    private static long storedBytes(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM replica_log WHERE org_channel_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    @Override
    public void resetOrgCursor(String peer, String orgChannelId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?")) {
                ps.setString(1, peer);
                ps.setString(2, orgChannelId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<FeedEntry> feed(UUID chatId, long afterSeq, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(FEED)) {
                Cols.uuid(ps, 1, chatId);
                ps.setLong(2, afterSeq);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<FeedEntry> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new FeedEntry(rs.getLong("seq"), rs.getString("type"), Cols.uuid(rs, "message_id"), Cols.uuid(rs, "actor_id"),
                                rs.getString("handle"), rs.getString("display_name"), rs.getString("remote_pod"), Cols.uuid(rs, "remote_id"),
                                rs.getString("emoji"), rs.getLong("hlc"), Cols.instant(rs, "created_at"), rs.getString("content"),
                                Cols.uuid(rs, "thread_root_id"), rs.getString("root_pod"), rs.getString("origin_pod"),
                                Cols.instant(rs, "deleted_at") != null));
                    }
                    return out;
                }
            }
        });
    }
}
