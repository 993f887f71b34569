package io.parley.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The statement helper of the table classes: one call prepares a statement on a connection {@link Db} lent, binds
 * its parameters in order and reads its rows, instead of a {@code try (PreparedStatement …)} block per statement.
 *
 * <pre>{@code
 * static Optional<Org> byId(Connection c, String id) throws SQLException {
 *     return Sql.one(c, BY_ID, a -> a.text(id), OrgsTable::row);
 * }
 * }</pre>
 *
 * <p>Parameters are bound through {@link Args}, whose typed methods follow the column conventions of {@link Cols}
 * (ids as UUID text, instants as epoch milliseconds, booleans as 0/1) and bind a null with its column's type, which
 * PostgreSQL needs where it cannot infer one. The helper does not open, commit or retry: transactions stay
 * {@link Db#read}'s and {@link Db#write}'s, and driver errors reach {@link Db#translate} unchanged.
 *
 * <p>Not for the hot paths that reuse one statement across a batch on purpose ({@code LogWriter}, {@code BulkPoster}):
 * {@link #updateEach} reuses one statement for a list, but executes one row at a time so each row's count is known
 * (PostgreSQL's rewritten JDBC batches report none).
 */
final class Sql {
    /** The most bind parameters one {@code IN (…)} list gets; longer lists are read a chunk at a time. */
    static final int IN_CHUNK = 500;

    /** Binds no parameters. */
    static final Binder NONE = a -> {};

    private Sql() {}

    /** Binds a statement's parameters, in order, through {@link Args}. */
    @FunctionalInterface
    interface Binder {
        void bind(Args a) throws SQLException;
    }

    /** Binds the parameters of one item of a list. */
    @FunctionalInterface
    interface ItemBinder<T> {
        void bind(Args a, T item) throws SQLException;
    }

    /** Binds the parameters of one run of an {@code IN (…)} query, given the chunk of values it is for. */
    @FunctionalInterface
    interface ChunkBinder<V> {
        void bind(Args a, List<V> chunk) throws SQLException;
    }

    /** Reads one row (the result set is on it; the mapper does not move it). */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs an INSERT, UPDATE or DELETE; {@return the rows it changed} */
    static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(new Args(ps));
            return ps.executeUpdate();
        }
    }

    /** Runs one statement for each item, prepared once; {@return the rows changed by each item, in order} */
    static <T> int[] updateEach(Connection c, String sql, List<T> items, ItemBinder<? super T> binder) throws SQLException {
        int[] counts = new int[items.size()];
        if (items.isEmpty()) return counts;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < items.size(); k++) {
                binder.bind(new Args(ps), items.get(k));
                counts[k] = ps.executeUpdate();
            }
        }
        return counts;
    }

    /** {@return every row of the query, mapped, in the order the query gives} */
    static <T> List<T> list(Connection c, String sql, Binder binder, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(new Args(ps));
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(row.map(rs));
                return out;
            }
        }
    }

    /** {@return the first row of the query, mapped, if there is one} (a null mapped value is empty) */
    static <T> Optional<T> one(Connection c, String sql, Binder binder, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(new Args(ps));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
            }
        }
    }

    /** {@return whether the query finds a row} */
    static boolean exists(Connection c, String sql, Binder binder) throws SQLException {
        return one(c, sql, binder, rs -> Boolean.TRUE).isPresent();
    }

    /** {@return the first column of the first row as a long, or {@code absent} if there is no row} */
    static long longOr(Connection c, String sql, Binder binder, long absent) throws SQLException {
        return one(c, sql, binder, rs -> rs.getLong(1)).orElse(absent);
    }

    /**
     * {@return the rows of a query with an {@code IN (%s)} list, over any number of values}: the query is run once per
     * {@link #IN_CHUNK} values with {@code %s} replaced by that many placeholders, so the query's order holds only within
     * a chunk.
     *
     * @param binder binds all of one run's parameters, the chunk's values (with {@link Args#uuids}, {@link Args#texts})
     *               where the list stands among them
     */
    static <V, T> List<T> listIn(Connection c, String sqlWithList, Collection<V> values, ChunkBinder<V> binder, Row<T> row)
            throws SQLException {
        List<T> out = new ArrayList<>();
        for (List<V> chunk : Cols.chunks(values, IN_CHUNK)) {
            out.addAll(list(c, sqlWithList.formatted(Cols.placeholders(chunk.size())), a -> binder.bind(a, chunk), row));
        }
        return out;
    }

    /** The parameters of one statement, bound in order from the first; each method binds the next. */
    static final class Args {
        private final PreparedStatement ps;
        private int next = 1;

        private Args(PreparedStatement ps) {
            this.ps = ps;
        }

        Args text(String s) throws SQLException {
            ps.setString(next++, s);
            return this;
        }

        Args uuid(UUID id) throws SQLException {
            Cols.uuid(ps, next++, id);
            return this;
        }

        Args instant(Instant at) throws SQLException {
            Cols.instant(ps, next++, at);
            return this;
        }

        Args bool(boolean b) throws SQLException {
            Cols.bool(ps, next++, b);
            return this;
        }

        Args num(long n) throws SQLException {
            ps.setLong(next++, n);
            return this;
        }

        Args uuids(Collection<UUID> ids) throws SQLException {
            for (UUID id : ids) uuid(id);
            return this;
        }

        Args texts(Collection<String> values) throws SQLException {
            for (String v : values) text(v);
            return this;
        }

        /** Binds an INTEGER column that may be null. */
        Args integer(Integer n) throws SQLException {
            if (n == null) ps.setNull(next++, Types.INTEGER);
            else ps.setInt(next++, n);
            return this;
        }
    }
}
