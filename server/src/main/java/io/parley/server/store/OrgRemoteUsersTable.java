package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code org_remote_users} table (V67): the local shadow user standing for each remote author, and the shadows'
 * own {@code users} rows, which are made and renamed only here. A shadow has handle {@code handle@pod} (or
 * {@code remoteId@pod} when a renamed remote user's handle collides with an older shadow's), no password and no
 * workspace; its e-mail is a reserved {@code .invalid} address no one can sign up with.
 */
final class OrgRemoteUsersTable {
    private static final String BY_REMOTE = "SELECT user_id FROM org_remote_users WHERE pod_id = ? AND remote_id = ?";
    private static final String POD_OF = "SELECT pod_id FROM org_remote_users WHERE user_id = ?";
    private static final String INSERT = "INSERT INTO org_remote_users (pod_id, remote_id, user_id) VALUES (?, ?, ?)";
    private static final String HANDLE_TAKEN = "SELECT 1 FROM users WHERE lower(handle) = ?";
    private static final String INSERT_USER = "INSERT INTO users (id, email, handle, display_name, password_hash, created_at,"
            + " deactivated) VALUES (?, ?, ?, ?, NULL, ?, 0)";
    private static final String RENAME_USER = "UPDATE users SET display_name = ? WHERE id = ? AND display_name <> ?";

    private OrgRemoteUsersTable() {}

    static Optional<UUID> shadowOf(Connection c, String pod, UUID remoteId) throws SQLException {
        return Sql.one(c, BY_REMOTE, a -> a.text(pod).uuid(remoteId), rs -> Cols.uuid(rs, "user_id"));
    }

    static Optional<String> podOf(Connection c, UUID userId) throws SQLException {
        return Sql.one(c, POD_OF, a -> a.uuid(userId), rs -> rs.getString("pod_id"));
    }

    /** Makes the shadow of a remote user, or renames the one there is; {@return its local id} (call in a write transaction) */
    static UUID ensure(Connection c, String pod, UUID remoteId, String handle, String displayName, Instant at) throws SQLException {
        Optional<UUID> existing = shadowOf(c, pod, remoteId);
        if (existing.isPresent()) {
            Sql.update(c, RENAME_USER, a -> a.text(displayName).uuid(existing.get()).text(displayName));
            return existing.get();
        }
        UUID id = UUID.randomUUID();
        String fullHandle = (handle + "@" + pod).toLowerCase(Locale.ROOT);
        String h = Sql.exists(c, HANDLE_TAKEN, a -> a.text(fullHandle)) ? remoteId + "@" + pod : fullHandle;
        Sql.update(c, INSERT_USER, a -> a.uuid(id).text(remoteId + "@" + pod + ".remote.invalid").text(h).text(displayName).instant(at));
        Sql.update(c, INSERT, a -> a.text(pod).uuid(remoteId).uuid(id));
        return id;
    }
}
