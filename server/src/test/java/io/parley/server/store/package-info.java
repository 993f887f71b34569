/** Contract tests of the stores, run against SQLite and PostgreSQL alike. */
package io.parley.server.store;
