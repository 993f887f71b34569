package io.parley.server.federation.link;

import java.time.Instant;

/**
 * Leases by name in the shared database: which node of a scaled-out pod does a single-node duty ({@link PodDuties}).
 * A port of the pod's store (the org store carries it, issue 17 §3); here, below the features that use the duties.
 */
public interface NamedLeases {
    /**
     * Takes or renews a lease until {@code until}: it is taken if free, expired (before {@code now}) or held by
     * {@code holder} already. {@return whether {@code holder} holds it now}
     */
    boolean acquireLease(String name, String holder, Instant now, Instant until);

    /** Gives the lease up if {@code holder} holds it (a clean stop: another node need not wait for it to expire). */
    void releaseLease(String name, String holder);

}
