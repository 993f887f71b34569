package io.parley.server.federation.org;

import java.time.Instant;

/**
 * Leases by name in the shared database: which node of a scaled-out pod does a single-node duty. One of the ports
 * {@link OrgStore} is made of (issue 17 §3).
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
