/**
 * Storage ports: one interface per aggregate. Implementations (SQLite, PostgreSQL) live in the
 * server module; every implementation passes the same contract tests.
 */
package io.parley.core.store;
