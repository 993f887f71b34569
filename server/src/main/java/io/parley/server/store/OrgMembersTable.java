package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The {@code org_members} table (V65): each org's member pods, this one included. */
final class OrgMembersTable {
    private static final String INSERT = "INSERT INTO org_members (org_id, pod_id, added_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (org_id, pod_id) DO NOTHING";
    private static final String OF_ORG = "SELECT pod_id FROM org_members WHERE org_id = ? ORDER BY pod_id";

    private OrgMembersTable() {}

    /** Adds the pods, keeping those already members; {@return how many were new} */
    static int add(Connection c, String orgId, Set<String> pods, Instant at) throws SQLException {
        int added = 0;
        for (int n : Sql.updateEach(c, INSERT, List.copyOf(pods), (a, pod) -> a.text(orgId).text(pod).instant(at))) added += n;
        return added;
    }

    /** {@return the org's member pods, sorted} */
    static List<String> ofOrg(Connection c, String orgId) throws SQLException {
        return Sql.list(c, OF_ORG, a -> a.text(orgId), rs -> rs.getString(1));
    }
}
