package io.parley.server.store;

import io.parley.server.federation.org.OrgDirectory.Org;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code orgs} table (V65): the orgs this pod belongs to. */
final class OrgsTable {
    private static final String COLS = "id, name, home_pod, created_at";
    private static final String INSERT = "INSERT INTO orgs (" + COLS + ") VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String ALL = "SELECT " + COLS + " FROM orgs ORDER BY id";
    private static final String BY_ID = "SELECT " + COLS + " FROM orgs WHERE id = ?";

    private OrgsTable() {}

    /** Inserts the org unless one with its id exists (the first insert wins). */
    static void insert(Connection c, Org org) throws SQLException {
        Sql.update(c, INSERT, a -> a.text(org.id()).text(org.name()).text(org.homePod()).instant(org.createdAt()));
    }

    static Optional<Org> byId(Connection c, String id) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.text(id), OrgsTable::row);
    }

    static List<Org> all(Connection c) throws SQLException {
        return Sql.list(c, ALL, Sql.NONE, OrgsTable::row);
    }

    private static Org row(ResultSet rs) throws SQLException {
        return new Org(rs.getString("id"), rs.getString("name"), rs.getString("home_pod"), Cols.instant(rs, "created_at"));
    }
}
