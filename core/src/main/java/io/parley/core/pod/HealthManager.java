package io.parley.core.pod;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This pod's local view of its peers' health (spec 000 §2, spec 001 §1): a HealthScore 0–100 per peer and
 * per route, and a liveness state from heartbeats. Scores are local; nothing a peer says about itself goes in.
 *
 * <h2>Inputs</h2>
 * The transport reports every exchange: {@link #recordSuccess} and {@link #recordFailure} for requests (with the
 * route they took), {@link #heartbeatOk} and {@link #heartbeatMissed} for heartbeats, and calls {@link #tick()}
 * about once per heartbeat interval or more often. A missed heartbeat also counts as a {@link Failure#TIMEOUT}
 * in the peer's score. The score itself is described in {@link HealthStats}.
 *
 * <h2>Liveness</h2>
 * <ul>
 *   <li>ALIVE → SUSPECT on the first missed heartbeat.</li>
 *   <li>→ DEAD once {@link HealthSettings#deadAfterMissed()} heartbeats in a row are missed <em>and</em>
 *       {@link HealthSettings#grace()} has passed since anything last succeeded with the peer (or, for a peer
 *       never heard from, since it was first watched). Traffic that still succeeds keeps a peer out of DEAD
 *       even if its heartbeats fail.</li>
 *   <li>SUSPECT or DEAD → ALIVE only after {@link HealthSettings#readmitAfter()} answered heartbeats in a row:
 *       a peer on a lossy link that answers every other heartbeat stays SUSPECT, it does not flap.</li>
 * </ul>
 * Misses are counted from {@link #heartbeatMissed} calls, and also from silence: if the transport itself
 * stalls, {@link #tick()} counts one miss for every full interval without any success beyond the first
 * (one interval of slack for jitter), so a hung link is still detected. The two counts are not added: the
 * larger one holds.
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread. Each peer's record has its own lock; listeners are called after
 * the locks are released, one change at a time in the order the changes happened.
 */
public final class HealthManager {
    private static final Logger log = LoggerFactory.getLogger(HealthManager.class);
    /** Routes remembered per peer; the least recently used beyond this is dropped. */
    static final int MAX_ROUTES = 64;
    private static final int COUNT_CAP = 1_000_000;

    private final HealthSettings settings;
    private final Clock clock;
    private final long intervalMillis;
    private final long graceMillis;
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<StateChange> pending = new ConcurrentLinkedQueue<>();
    private final ReentrantLock dispatching = new ReentrantLock();

    private record StateChange(String peer, PeerState from, PeerState to) {}

    public HealthManager(HealthSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalMillis = settings.heartbeatInterval().toMillis();
        this.graceMillis = settings.grace().toMillis();
    }

    /** {@return the settings this manager runs with} */
    public HealthSettings settings() {
        return settings;
    }

    /** Starts tracking a peer (for example one just linked), so that its silence counts from now. */
    public void watch(String peer) {
        peer(peer);
    }

    /** A request to the peer over a route (null for none in particular) succeeded in {@code latency}. */
    public void recordSuccess(String peer, String route, Duration latency) {
        long now = clock.millis();
        double ms = millisOf(latency);
        Peer p = peer(peer);
        synchronized (p) {
            p.stats.success(now, ms);
            if (route != null) p.route(route, now).success(now, ms);
            p.lastSeen = now;
        }
    }

    /** A request to the peer over a route (null for none in particular) failed. */
    public void recordFailure(String peer, String route, Failure failure) {
        Objects.requireNonNull(failure, "failure");
        long now = clock.millis();
        Peer p = peer(peer);
        synchronized (p) {
            p.stats.failure(now, failure);
            if (route != null) p.route(route, now).failure(now, failure);
        }
    }

    /** The peer answered a heartbeat after {@code rtt}. */
    public void heartbeatOk(String peer, Duration rtt) {
        long now = clock.millis();
        double ms = millisOf(rtt);
        Peer p = peer(peer);
        synchronized (p) {
            p.stats.success(now, ms);
            p.lastSeen = now;
            p.missed = 0;
            p.reported = 0;
            p.okStreak = Math.min(p.okStreak + 1, COUNT_CAP);
            if (p.state != PeerState.ALIVE && p.okStreak >= settings.readmitAfter()) {
                if (p.state == PeerState.DEAD) {
                    log.info("Peer {} came back after {}s", p.id, seconds(now - p.downSince));
                } else {
                    log.info("Peer {} answers heartbeats again", p.id);
                }
                move(p, PeerState.ALIVE);
            }
        }
        fire();
    }

    /** A heartbeat to or from the peer did not arrive in time. */
    public void heartbeatMissed(String peer) {
        long now = clock.millis();
        Peer p = peer(peer);
        synchronized (p) {
            p.stats.failure(now, Failure.TIMEOUT);
            p.missed = Math.min(p.missed + 1, COUNT_CAP);
            p.okStreak = 0;
            evaluate(p, now);
        }
        fire();
    }

    /** Records the peer's clock minus ours, as the transport measured it on a heartbeat. */
    public void recordClockOffset(String peer, Duration offset) {
        Objects.requireNonNull(offset, "offset");
        Peer p = peer(peer);
        synchronized (p) {
            p.clockOffset = offset;
        }
    }

    /** Runs the timers: counts silence as missed heartbeats and declares dead the peers whose grace ran out. */
    public void tick() {
        long now = clock.millis();
        for (Peer p : peers.values()) {
            synchronized (p) {
                evaluate(p, now);
            }
        }
        fire();
    }

    /** {@return the peer's health now; a peer never recorded gets the score of an unknown peer and state ALIVE} */
    public PeerHealth health(String peer) {
        long now = clock.millis();
        Peer p = peers.get(checked(peer));
        if (p == null) return new Peer(peer, now, settings.halfLife().toMillis()).snapshot(now);
        synchronized (p) {
            return p.snapshot(now);
        }
    }

    /** {@return whether some peer is DEAD now} Cheap: no score is computed (a check on the send path). */
    public boolean anyDead() {
        for (Peer p : peers.values()) {
            synchronized (p) {
                if (p.state == PeerState.DEAD) return true;
            }
        }
        return false;
    }

    /** {@return the health of every peer tracked, by peer id} */
    public List<PeerHealth> all() {
        List<PeerHealth> out = new ArrayList<>();
        for (String id : new TreeMap<>(peers).keySet()) out.add(health(id));
        return out;
    }

    /**
     * Sets the admin's score for a peer, which wins over the computed one (a dead peer stays unusable
     * whatever its score); null clears it.
     */
    public void override(String peer, Integer score) {
        if (score != null && (score < 0 || score > 100)) throw new IllegalArgumentException("score must be between 0 and 100");
        Peer p = peer(peer);
        synchronized (p) {
            p.override = score;
        }
        if (score == null) log.info("Peer {} score override cleared", p.id);
        else log.info("Peer {} score overridden to {}", p.id, score);
    }

    /**
     * {@return the peers healthiest first: the usable by score, then the live ones below the threshold (a last
     * resort), then the dead; ties by peer id, so every caller gets the same order}
     */
    public List<String> ranked(Collection<String> candidates) {
        List<PeerHealth> healths = new ArrayList<>();
        for (String id : new LinkedHashSet<>(candidates)) healths.add(health(id));
        healths.sort(Comparator.comparingInt(HealthManager::tier)
                .thenComparing(Comparator.comparingInt(PeerHealth::score).reversed())
                .thenComparing(PeerHealth::peer));
        return healths.stream().map(PeerHealth::peer).toList();
    }

    /** {@return whether the peer may carry traffic: not dead and its score at or above the threshold} */
    public boolean usable(String peer) {
        return health(peer).usable();
    }

    /** Drops everything known about a peer (it was unlinked). No state change is reported. */
    public void forget(String peer) {
        peers.remove(checked(peer));
    }

    /** Adds a listener of state changes; {@return a handle that removes it} */
    public AutoCloseable addListener(HealthListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private static int tier(PeerHealth h) {
        if (h.usable()) return 0;
        return h.state() == PeerState.DEAD ? 2 : 1;
    }

    /** Applies the liveness rules to one peer; the caller holds its lock. */
    private void evaluate(Peer p, long now) {
        long silent = now - p.lastContact();
        int inferred = inferredMisses(silent);
        if (inferred > 0) p.okStreak = 0;
        int missed = Math.max(p.missed, inferred);
        if (missed == 0 || p.state == PeerState.DEAD) return;
        int deadAfter = settings.deadAfterMissed();
        if (missed > p.reported) {
            p.reported = missed;
            if (missed < deadAfter) {
                log.info("Peer {} missed {}, {} more until dead", p.id, heartbeats(missed), deadAfter - missed);
            } else if (silent < graceMillis) {
                log.info("Peer {} missed {}, declared dead in {}s unless it answers", p.id, heartbeats(missed),
                        seconds(graceMillis - silent));
            }
        }
        if (p.state == PeerState.ALIVE) move(p, PeerState.SUSPECT);
        if (missed >= deadAfter && silent >= graceMillis) {
            log.warn("Peer {} declared DEAD after {} missed heartbeats and {}s grace", p.id, missed, seconds(graceMillis));
            p.downSince = p.lastContact();
            move(p, PeerState.DEAD);
        }
    }

    private int inferredMisses(long silentMillis) {
        return (int) Math.clamp(silentMillis / intervalMillis - 1, 0, COUNT_CAP);
    }

    private void move(Peer p, PeerState to) {
        PeerState from = p.state;
        if (from == to) return;
        p.state = to;
        pending.add(new StateChange(p.id, from, to));
    }

    /**
     * Delivers queued state changes. One thread delivers at a time, so changes arrive in queue order; a thread
     * that finds another delivering leaves its change to it (the re-check after unlock closes the race).
     */
    private void fire() {
        if (dispatching.isHeldByCurrentThread()) return; // a listener calling back in: the outer loop delivers
        while (!pending.isEmpty()) {
            if (!dispatching.tryLock()) return;
            try {
                StateChange c;
                while ((c = pending.poll()) != null) {
                    for (HealthListener l : listeners) {
                        try {
                            l.onStateChange(c.peer(), c.from(), c.to());
                        } catch (RuntimeException e) {
                            log.warn("Health listener failed on {} {} -> {}", c.peer(), c.from(), c.to(), e);
                        }
                    }
                }
            } finally {
                dispatching.unlock();
            }
        }
    }

    private Peer peer(String id) {
        return peers.computeIfAbsent(checked(id), k -> new Peer(k, clock.millis(), settings.halfLife().toMillis()));
    }

    private static String checked(String peer) {
        if (peer == null || peer.isBlank()) throw new IllegalArgumentException("peer id is required");
        return peer;
    }

    private static double millisOf(Duration d) {
        if (d == null) return -1; // no latency sample
        return Math.max(0, d.toNanos() / 1_000_000.0);
    }

    private static long seconds(long millis) {
        return Math.max(0, millis) / 1000;
    }

    private static String heartbeats(int n) {
        return n == 1 ? "1 heartbeat" : n + " heartbeats";
    }

    /** Everything known about one peer; guarded by its own monitor. */
    private final class Peer {
        final String id;
        final long knownSince;
        final HealthStats stats;
        final long halfLifeMillis;
        final Map<String, HealthStats> routes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<String, HealthStats> eldest) {
                return size() > MAX_ROUTES;
            }
        };
        PeerState state = PeerState.ALIVE;
        long lastSeen = -1;
        long downSince;
        int missed;
        int reported;
        int okStreak;
        Integer override;
        Duration clockOffset;

        Peer(String id, long now, long halfLifeMillis) {
            this.id = id;
            this.knownSince = now;
            this.halfLifeMillis = halfLifeMillis;
            this.stats = new HealthStats(halfLifeMillis, now);
        }

        long lastContact() {
            return lastSeen >= 0 ? lastSeen : knownSince;
        }

        HealthStats route(String route, long now) {
            return routes.computeIfAbsent(route, r -> new HealthStats(halfLifeMillis, now));
        }

        PeerHealth snapshot(long now) {
            int computed = stats.score(now);
            int score = override != null ? override : state == PeerState.DEAD ? 0 : computed;
            Map<String, Integer> routeScores = new TreeMap<>();
            for (Map.Entry<String, HealthStats> e : routes.entrySet()) routeScores.put(e.getKey(), e.getValue().score(now));
            int missedNow = Math.max(missed, inferredMisses(now - lastContact()));
            return new PeerHealth(id, score, state, missedNow, lastSeen >= 0 ? Instant.ofEpochMilli(lastSeen) : null,
                    stats.p95Latency(), stats.meanLatency(), override, Collections.unmodifiableMap(routeScores),
                    computed, state != PeerState.DEAD && score >= settings.threshold(), clockOffset);
        }
    }
}
