package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work on a connection that {@link Db} provides (and commits, for writes). */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
