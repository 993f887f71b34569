/**
 * JDBC storage for SQLite (single node) and PostgreSQL (scaled-out pod): {@link io.parley.server.store.Stores}
 * opens a database, migrates it with Flyway and hands out the implementations of the core storage ports.
 *
 * <p>Layout (after Dendrite): one class per table or aggregate, its SQL at the top as constants shared by both
 * databases; the only dialect difference is in {@link io.parley.server.store.Db}. Ids are canonical UUID text
 * and timestamps epoch milliseconds in both databases, so every statement is the same text on both. A
 * {@code Sql*Store} composes table calls, one {@code Db} transaction per port method; statements are run through
 * {@code Sql} (prepare, bind in order, map rows) rather than a hand-written JDBC block each.
 * Chat logs are written by {@code LogWriter}, a group-commit writer (many commands, one transaction).
 */
package io.parley.server.store;
