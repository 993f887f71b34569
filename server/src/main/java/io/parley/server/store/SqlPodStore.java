package io.parley.server.store;

import io.parley.server.federation.link.Peer;
import io.parley.server.federation.link.PodStore;
import io.parley.server.federation.link.StoredKey;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link PodStore} over JDBC: the {@code pod_identity}, {@code pod_peers}, {@code pod_invitations} and {@code pod_nonces} tables. */
final class SqlPodStore implements PodStore {
    // The pod's administrators: the owner and admins of the first workspace, the one first-run setup made.
    private static final String IS_ADMIN = "SELECT role FROM workspace_members WHERE user_id = ? AND workspace_id ="
            + " (SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1)";

    private final Db db;

    SqlPodStore(Db db) {
        this.db = db;
    }

    @Override
    public Optional<StoredKey> identity() {
        return db.read(PodIdentityTable::get);
    }

    @Override
    public StoredKey createIdentityIfAbsent(StoredKey fresh) {
        return db.write(c -> {
            PodIdentityTable.insertIfAbsent(c, fresh);
            return PodIdentityTable.get(c).orElseThrow();
        });
    }

    @Override
    public void insertInvitation(Invitation invitation) {
        db.write(c -> {
            PodInvitationsTable.insert(c, invitation);
            return null;
        });
    }

    @Override
    public InvitationUse linkByInvitation(String tokenHash, Peer peer, Instant now) {
        return db.write(c -> {
            InvitationUse use = PodInvitationsTable.use(c, tokenHash, peer.id(), now);
            if (use == InvitationUse.ACCEPTED) PodPeersTable.upsert(c, peer);
            return use;
        });
    }

    @Override
    public List<Peer> peers() {
        return db.read(PodPeersTable::all);
    }

    @Override
    public Optional<Peer> peer(String id) {
        return db.read(c -> PodPeersTable.byId(c, id));
    }

    @Override
    public void savePeer(Peer peer) {
        db.write(c -> {
            PodPeersTable.upsert(c, peer);
            return null;
        });
    }

    @Override
    public boolean deletePeer(String id) {
        return db.write(c -> PodPeersTable.delete(c, id));
    }

    @Override
    public boolean setScoreOverride(String id, Integer score) {
        return db.write(c -> PodPeersTable.setOverride(c, id, score));
    }

    @Override
    public boolean rememberNonce(String podId, String nonce, Instant expiresAt) {
        return db.write(c -> PodNoncesTable.insert(c, podId, nonce, expiresAt));
    }

    @Override
    public int purgeNonces(Instant now) {
        return db.write(c -> PodNoncesTable.purge(c, now));
    }

    @Override
    public boolean isPodAdmin(UUID userId) {
        return db.read(c -> Sql.one(c, IS_ADMIN, a -> a.uuid(userId), rs -> rs.getString("role")))
                .map(role -> role.equals("owner") || role.equals("admin")).orElse(false);
    }
}
