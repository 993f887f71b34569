package io.parley.server.federation.link;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the pod layer keeps in the database: the shared identity (a scaled-out pod), linked peers, invitations
 * and the nonces of accepted requests. Implemented over JDBC by {@code io.parley.server.store.SqlPodStore}.
 */
public interface PodStore {
    /** The outcome of presenting an invitation's token. */
    enum InvitationUse { ACCEPTED, UNKNOWN, EXPIRED, ALREADY_USED }

    /** An invitation as kept: only the token's hash. */
    record Invitation(UUID id, String tokenHash, UUID createdBy, Instant createdAt, Instant expiresAt) {}

    /** {@return the pod's key pair in the shared database, if one was made} */
    Optional<StoredKey> identity();

    /** Stores the key pair unless a node stored one first; {@return the key pair stored} */
    StoredKey createIdentityIfAbsent(StoredKey fresh);

    void insertInvitation(Invitation invitation);

    /**
     * Uses the invitation with this token hash and, if that succeeds, links the peer, in one transaction: a token
     * links at most one pod, even when two nodes receive it at once.
     */
    InvitationUse linkByInvitation(String tokenHash, Peer peer, Instant now);

    List<Peer> peers();

    Optional<Peer> peer(String id);

    /** Inserts or replaces the peer. */
    void savePeer(Peer peer);

    /** {@return whether there was such a peer} */
    boolean deletePeer(String id);

    /** Sets or clears (null) the admin's score override; {@return whether there is such a peer} */
    boolean setScoreOverride(String id, Integer score);

    /** Records a nonce; {@return false if it was already recorded (a replay)} */
    boolean rememberNonce(String podId, String nonce, Instant expiresAt);

    /** Forgets nonces that expired; {@return how many} */
    int purgeNonces(Instant now);

    /** {@return whether the user administers this pod: the owner or an admin of its first workspace (made at setup)} */
    boolean isPodAdmin(UUID userId);
}
