package io.parley.core.pod;

import java.time.Instant;
import java.util.Objects;

/**
 * The right of one pod to act as primary of a resilient channel (spec 001 §7): a holder, a term that only
 * grows, and an expiry on the holder's clock. The term is also a fencing token: replicas refuse
 * configuration and membership changes stamped with a term older than the newest they have seen.
 *
 * @param channelId the org-wide channel id
 * @param holder the pod acting as primary
 * @param term increases by one at every election; a higher term wins over any lower one
 * @param expiresAt the lease lapses here unless the holder renews it
 */
public record Lease(String channelId, String holder, long term, Instant expiresAt) {
    public Lease {
        if (channelId == null || channelId.isBlank()) throw new IllegalArgumentException("channelId is required");
        ReplicaOp.requirePod("holder", holder);
        if (term < 1) throw new IllegalArgumentException("term must be at least 1");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
