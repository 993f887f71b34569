package io.parley.server.federation.link;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The single-node duties of a pod (issue 17 §1): what a scaled-out pod (several nodes on one PostgreSQL database and
 * one NATS) does once, not once per node. The org delivery lanes, the unreachable indicator and the org re-sync
 * ({@code federation.org}); the resilient channels' elections, re-offers, configuration resends and replica feed
 * ({@code federation.resilient}). It lives here, below both, so that one node does all of them.
 *
 * <h2>Algorithm</h2>
 * The node that does the duties is the holder of one lease row in the shared store ({@link NamedLeases}). Every node
 * tries to take or renew it every {@link #RENEW}; it lasts {@link #TTL}, so when the holder dies another node takes it
 * within about {@code TTL + RENEW}; a clean stop ({@link #close}) releases it at once. The holder stops acting one
 * renewal before its lease ends ({@code validUntil}), so a node that cannot reach the store gives the duties up
 * before another can take them. {@link #onChange} listeners are told on the renewal thread when this node takes or
 * loses the duties; {@link #held} is the answer at any moment (it also turns false when renewals stop succeeding).
 *
 * <h2>Caveats</h2>
 * Lease times are the nodes' own clocks: nodes whose clocks differ by more than {@code TTL - RENEW} could both act for
 * a moment, which costs duplicated work only (org delivery and the replica feed are idempotent end to end). The row
 * keeps the name it had when it gated org delivery alone ({@value #NAME}), so during a rolling upgrade the nodes of
 * the older version and of this one contend for the same lease. A pod on SQLite is one node: it holds the duties
 * from the start, never writes the row and runs no timer.
 */
public final class PodDuties implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodDuties.class);
    static final String NAME = "org-delivery";
    public static final Duration TTL = Duration.ofSeconds(5);
    public static final Duration RENEW = Duration.ofSeconds(1);

    private final NamedLeases store;
    private final boolean shared;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile boolean held;
    /** Until when this node's last successful renewal holds (it stops acting before then if renewals fail). */
    private volatile Instant validUntil = Instant.MIN;

    /**
     * @param shared whether several nodes share the store (PostgreSQL); if not, this node holds the duties always
     * @param registry where the gauge {@code parley_pod_duties_held} goes (1 on the node that does the duties)
     */
    public PodDuties(NamedLeases store, boolean shared, Clock clock, MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.shared = shared;
        this.clock = clock;
        this.held = !shared;
        this.timer = shared ? Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("parley-pod-duties").daemon().unstarted(r)) : null;
        Gauge.builder("parley_pod_duties_held", this, d -> d.held() ? 1 : 0)
                .description("1 on the node of the pod that does its single-node duties (org delivery, resilient channels' feed and elections)")
                .register(registry);
    }

    /** {@return whether this node does the pod's single-node duties now} */
    public boolean held() {
        return held && (!shared || clock.instant().isBefore(validUntil));
    }

    /**
     * Tells {@code listener} {@code true} when this node takes the duties and {@code false} when it loses them, on the
     * renewal thread; it is not told the state at registration ({@link #held} is). Never called on a single node.
     */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Takes the lease if it is free (before returning), then renews it every {@link #RENEW}. */
    public void start() {
        if (!shared) return;
        tick();
        timer.scheduleWithFixedDelay(this::tick, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes or renews the lease. */
    void tick() {
        if (!shared) return;
        boolean now;
        try {
            Instant t = clock.instant();
            now = store.acquireLease(NAME, holder, t, t.plus(TTL));
            if (now) validUntil = t.plus(TTL).minus(RENEW); // stop acting a renewal early: no overlap with the next holder
        } catch (RuntimeException e) {
            now = held(); // the store is away: keep acting only while the last renewal holds
            log.warn("renewing the pod duties lease failed; this node {} the pod's single-node duties", now ? "keeps, for now," : "stops");
        }
        if (now != held) {
            held = now;
            log.info(now ? "this node does the pod's single-node duties now (org delivery, resilient channels' feed and elections)"
                    : "another node does the pod's single-node duties; this one stands by");
            for (Consumer<Boolean> l : listeners) {
                try {
                    l.accept(now);
                } catch (RuntimeException e) {
                    log.warn("a pod duties listener failed", e);
                }
            }
        }
    }

    /** Stops renewing and gives the lease up; call it after the duties stopped (the next holder starts from what they left). */
    @Override
    public void close() {
        if (!shared) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(RENEW.toMillis(), TimeUnit.MILLISECONDS); // a renewal under way ends before the release
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!held) return;
        held = false;
        try {
            store.releaseLease(NAME, holder);
        } catch (RuntimeException e) {
            log.warn("releasing the pod duties lease failed; another node takes it when it expires");
        }
    }
}
