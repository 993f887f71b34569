package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code org_leases} table (V68): named leases with one holder until they expire, so one node of a scaled-out pod
 * does a pod-wide duty (the org delivery). The upsert takes a lease that is free, expired or the holder's own in one
 * statement, so two nodes racing for it cannot both win.
 */
final class OrgLeasesTable {
    private static final String ACQUIRE = "INSERT INTO org_leases (name, holder, expires_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
            + " WHERE org_leases.holder = excluded.holder OR org_leases.expires_at < ?";
    private static final String RELEASE = "DELETE FROM org_leases WHERE name = ? AND holder = ?";

    private OrgLeasesTable() {}

    /** {@return whether {@code holder} holds the lease until {@code until} now} */
    static boolean acquire(Connection c, String name, String holder, Instant now, Instant until) throws SQLException {
        return Sql.update(c, ACQUIRE, a -> a.text(name).text(holder).instant(until).instant(now)) == 1;
    }

    static void release(Connection c, String name, String holder) throws SQLException {
        Sql.update(c, RELEASE, a -> a.text(name).text(holder));
    }
}
