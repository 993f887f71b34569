package io.parley.server.store;

import io.parley.server.federation.link.Peer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        return Sql.list(c, ALL, Sql.NONE, PodPeersTable::row);
    }

    static Optional<Peer> byId(Connection c, String id) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.text(id), PodPeersTable::row);
    }

    static void upsert(Connection c, Peer p) throws SQLException {
        Sql.update(c, UPSERT, a -> a.text(p.id()).text(p.url()).text(p.publicKey()).instant(p.linkedAt()).text(p.direction().wire())
                .integer(p.scoreOverride()).text(p.tlsPin()));
    }

    static boolean delete(Connection c, String id) throws SQLException {
        return Sql.update(c, DELETE, a -> a.text(id)) > 0;
    }

    static boolean setOverride(Connection c, String id, Integer score) throws SQLException {
        return Sql.update(c, OVERRIDE, a -> a.integer(score).text(id)) > 0;
    }

    private static Peer row(ResultSet rs) throws SQLException {
        int score = rs.getInt("score_override");
        Integer override = rs.wasNull() ? null : score;
        return new Peer(rs.getString("id"), rs.getString("url"), rs.getString("public_key"), Cols.instant(rs, "linked_at"),
                Peer.Direction.fromWire(rs.getString("direction")), override, rs.getString("tls_pin"));
    }
}
