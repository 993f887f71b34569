package io.parley.server.store;

import io.parley.server.federation.link.Peer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code pod_peers} table: the pods this pod is linked to. */
final class PodPeersTable {
    private static final String COLS = "id, url, public_key, linked_at, direction, score_override, tls_pin";
    private static final String ALL = "SELECT " + COLS + " FROM pod_peers ORDER BY id";
    private static final String BY_ID = "SELECT " + COLS + " FROM pod_peers WHERE id = ?";
    private static final String UPSERT = "INSERT INTO pod_peers (" + COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
            + " SET url = excluded.url, public_key = excluded.public_key, linked_at = excluded.linked_at,"
            + " direction = excluded.direction, score_override = excluded.score_override, tls_pin = excluded.tls_pin";
    private static final String DELETE = "DELETE FROM pod_peers WHERE id = ?";
    private static final String OVERRIDE = "UPDATE pod_peers SET score_override = ? WHERE id = ?";

    private PodPeersTable() {}

    static List<Peer> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ALL); ResultSet rs = ps.executeQuery()) {
            List<Peer> out = new ArrayList<>();
            while (rs.next()) out.add(row(rs));
            return out;
        }
    }

    static Optional<Peer> byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    static void upsert(Connection c, Peer p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, p.id());
            ps.setString(2, p.url());
            ps.setString(3, p.publicKey());
            Cols.instant(ps, 4, p.linkedAt());
            ps.setString(5, p.direction().wire());
            score(ps, 6, p.scoreOverride());
            ps.setString(7, p.tlsPin());
            ps.executeUpdate();
        }
    }

    static boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    static boolean setOverride(Connection c, String id, Integer score) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OVERRIDE)) {
            score(ps, 1, score);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static void score(PreparedStatement ps, int i, Integer score) throws SQLException {
        if (score == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, score);
    }

    private static Peer row(ResultSet rs) throws SQLException {
        int score = rs.getInt("score_override");
        Integer override = rs.wasNull() ? null : score;
        return new Peer(rs.getString("id"), rs.getString("url"), rs.getString("public_key"), Cols.instant(rs, "linked_at"),
                Peer.Direction.fromWire(rs.getString("direction")), override, rs.getString("tls_pin"));
    }
}
