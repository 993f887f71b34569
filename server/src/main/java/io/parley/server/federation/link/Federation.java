package io.parley.server.federation.link;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.pod.HealthManager;
import io.parley.core.pod.HealthSettings;
import io.parley.core.pod.PeerHealth;
import io.parley.server.http.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pod layer of one node, wired: identity, peer directory, health, signed client, inbound routes, peering and
 * heartbeats. {@link #open} loads (or makes) the key and registers the {@code /pod/v1/} routes, so a damaged key
 * stops the node before it serves; {@link #start} begins heartbeats and the nonce purge once the node listens.
 *
 * <p>Where the key rests: with a store of its own (SQLite, one node) in {@code <data_dir>/pod-key.json}; with a
 * shared store (PostgreSQL, possibly several nodes) in the {@code pod_identity} table, which the first node to
 * start fills and every other node reads, so all nodes of a pod sign as the same pod. No key file is used then.
 */
public final class Federation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Federation.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final PodSettings settings;
    private final PodIdentity identity;
    private final PodStore store;
    private final Clock clock;
    private final PeerDirectory peers;
    private final HealthManager health;
    private final ClockSkew skew;
    private final PodClient client;
    private final PodRoutes routes;
    private final Heartbeats heartbeats;
    private final Peering peering;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-pod-heartbeats").daemon().unstarted(r));

    private Federation(PodSettings settings, PodIdentity identity, PodStore store, Clock clock, MeterRegistry registry,
                       Router router, Supplier<String> publicUrl) {
        this.settings = settings;
        this.identity = identity;
        this.store = store;
        this.clock = clock;
        this.peers = new PeerDirectory(store);
        this.health = new HealthManager(new HealthSettings(settings.heartbeatInterval(), settings.deadAfterMissed(), settings.grace(),
                HealthSettings.defaults().readmitAfter(), HealthSettings.defaults().threshold(), HealthSettings.defaults().halfLife()), clock);
        this.skew = new ClockSkew(settings.maxClockSkew());
        this.client = new PodClient(identity, clock, health, peers, CALL_TIMEOUT);
        InboundAuth auth = new InboundAuth(identity.id(), store, clock, settings.requestWindow(), registry);
        this.routes = new PodRoutes(router, auth, identity, peers);
        this.heartbeats = new Heartbeats(client, peers, health, skew, new PeerMetrics(registry, health), clock, settings.heartbeatInterval(),
                settings.tlsPin());
        this.peering = new Peering(identity, publicUrl, settings.tlsPin(), store, peers, client, health, skew, heartbeats, auth, clock);
        heartbeats.register(routes);
        peering.register(routes);
    }

    /**
     * Loads this pod's identity and registers the inbound pod routes.
     *
     * @param sharedStore whether the store is shared by several nodes (PostgreSQL): the key then rests in it
     * @param clock the node's clock; {@link PodSettings#clockOffset()} is added to it here
     * @param publicUrl this pod's base URL for other pods (known once the node is bound)
     * @throws PodKeyException if the stored key is damaged
     */
    public static Federation open(PodSettings settings, Path dataDir, boolean sharedStore, PodStore store, Clock clock,
                                  MeterRegistry registry, Router router, Supplier<String> publicUrl) {
        Clock podClock = settings.clockOffset().isZero() ? clock : Clock.offset(clock, settings.clockOffset());
        if (!settings.clockOffset().isZero()) {
            log.warn("pod.clock_offset is {}: this pod's clock for other pods is deliberately off (a test and diagnostic knob)",
                    settings.clockOffset());
        }
        KeyPlace place = sharedStore ? new TableKeyPlace(store) : new PodKeyFile(dataDir);
        PodIdentity identity = PodIdentity.loadOrCreate(settings.id(), place, podClock);
        return new Federation(settings, identity, store, podClock, registry, router, publicUrl);
    }

    /** Starts heartbeats (every interval) and the nonce purge (every request window). */
    public void start() {
        long hb = settings.heartbeatInterval().toMillis();
        // The first round at once: a restarted pod tells its peers it is back (their recovery probes take it from there).
        timer.scheduleAtFixedRate(this::round, 0, hb, TimeUnit.MILLISECONDS);
        long purge = settings.requestWindow().toMillis();
        timer.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            heartbeats.round();
        } catch (RuntimeException e) {
            log.warn("heartbeat round failed; the next one runs on time", e);
        }
    }

    private void purge() {
        try {
            int n = store.purgeNonces(clock.instant());
            if (n > 0) log.debug("forgot {} expired pod request nonces", n);
        } catch (RuntimeException e) {
            log.warn("purging pod request nonces failed; it runs again later", e);
        }
    }

    /** {@return the pod layer's settings} */
    public PodSettings settings() { return settings; }

    /** {@return this pod's identity} */
    public PodIdentity identity() { return identity; }

    /** {@return the signed client for calls to other pods} */
    public PodClient client() { return client; }

    /** {@return the inbound pod routes, to register handlers on (before the node serves)} */
    public PodRoutes routes() { return routes; }

    /** {@return the linked peers} */
    public PeerDirectory peers() { return peers; }

    /** {@return this pod's view of its peers' health} */
    public HealthManager health() { return health; }

    /** {@return the per-peer clock offsets} */
    public ClockSkew clocks() { return skew; }

    /** {@return whether the peer's clock is beyond pod.max_clock_skew: keep it out of conflict-sensitive roles} */
    public boolean clockSkewed(String peer) { return skew.skewed(peer); }

    /** {@return linking and the admin's view of the links} */
    public Peering peering() { return peering; }

    /** {@return the pod layer's clock (the node's, with the clock_offset knob)} */
    public Clock clock() { return clock; }

    /** {@return the "pods" section of /health: each peer's state, score and skew flag} */
    public Map<String, Object> healthSection() {
        Map<String, Object> peersOut = new LinkedHashMap<>();
        for (PeerHealth h : health.all()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("state", h.state().name().toLowerCase(java.util.Locale.ROOT));
            p.put("score", h.score());
            p.put("skewed", skew.skewed(h.peer()));
            peersOut.put(h.peer(), p);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", identity.id());
        out.put("peers", peersOut);
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.close();
    }

    /** The key in the shared database. */
    private record TableKeyPlace(PodStore store) implements KeyPlace {
        @Override public java.util.Optional<StoredKey> read() { return store.identity(); }
        @Override public StoredKey createIfAbsent(StoredKey fresh) { return store.createIdentityIfAbsent(fresh); }
        @Override public String describe() { return "the database table pod_identity"; }
    }
}
