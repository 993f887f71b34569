package io.parley.server.federation.org;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Which node of a scaled-out pod runs the org delivery lanes (and the unreachable indicator): the holder of a lease
 * row in the shared store ({@code org_leases}). The holder renews it every {@link #RENEW}; it lasts {@link #TTL}, so
 * when the holder dies another node takes it within about {@code TTL + RENEW}; a clean stop releases it at once. A
 * node that cannot reach the store gives the lanes up when its lease would have expired, before another can take it.
 *
 * <p>Lease times are the nodes' own clocks: nodes whose clocks differ by more than {@code TTL - RENEW} could both
 * run lanes for a moment, which costs duplicated work only (delivery is idempotent end to end).
 *
 * <p>A pod on SQLite is one node: it holds the lease always and never writes the row.
 */
final class DeliveryLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryLease.class);
    static final String NAME = "org-delivery";
    static final Duration TTL = Duration.ofSeconds(5);
    static final Duration RENEW = Duration.ofSeconds(1);

    private final NamedLeases store;
    private final boolean shared;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    private final Consumer<Boolean> changed;
    private volatile boolean held;
    /** Until when this node's last successful renewal holds (it stops acting before then if renewals fail). */
    private volatile Instant validUntil = Instant.MIN;

    /**
     * @param shared whether several nodes share the store (PostgreSQL); if not, the lease is held from the start
     * @param changed told {@code true} when this node takes the lease, {@code false} when it loses it
     */
    DeliveryLease(NamedLeases store, boolean shared, Clock clock, Consumer<Boolean> changed) {
        this.store = store;
        this.shared = shared;
        this.clock = clock;
        this.changed = changed;
        this.held = !shared;
    }

    /** {@return whether this node runs the lanes now} */
    boolean held() {
        return held && (!shared || clock.instant().isBefore(validUntil));
    }

    /** Takes or renews the lease; called every {@link #RENEW}. */
    void tick() {
        if (!shared) return;
        boolean now;
        try {
            Instant t = clock.instant();
            now = store.acquireLease(NAME, holder, t, t.plus(TTL));
            if (now) validUntil = t.plus(TTL).minus(RENEW); // stop acting a renewal early: no overlap with the next holder
        } catch (RuntimeException e) {
            now = held(); // the store is away: keep acting only while the last renewal holds
            log.warn("renewing the org delivery lease failed; this node {} the lanes", now ? "keeps, for now," : "stops");
        }
        if (now != held) {
            held = now;
            log.info(now ? "this node runs the pod's org delivery lanes now" : "another node runs the pod's org delivery lanes; this one stands by");
            changed.accept(now);
        }
    }

    @Override
    public void close() {
        if (!shared || !held) return;
        held = false;
        try {
            store.releaseLease(NAME, holder);
        } catch (RuntimeException e) {
            log.warn("releasing the org delivery lease failed; another node takes it when it expires");
        }
    }
}
