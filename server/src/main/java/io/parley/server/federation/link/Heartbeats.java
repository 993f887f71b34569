package io.parley.server.federation.link;

import io.parley.core.pod.HealthManager;
import io.parley.core.pod.PeerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends {@code POST /pod/v1/heartbeat} to every linked peer once per {@code pod.heartbeat_interval}, with this
 * pod's clock; the reply carries the peer's. An answer in time is {@link HealthManager#heartbeatOk} and a clock
 * sample ({@link ClockSkew}); anything else — refused, timed out (the deadline is one interval), rejected — is
 * {@link HealthManager#heartbeatMissed}. After each round {@link HealthManager#tick()} runs the timers.
 *
 * <p>The peer list is read from the store every round, so a peer linked or unlinked on another node of a
 * scaled-out pod is picked up within one interval. Every node heartbeats every peer on its own and keeps its
 * own view of their health (scores are local by design); a peer thus gets one heartbeat per node per interval.
 * A heartbeat still in flight when the next round starts is not doubled.
 *
 * <p><b>Recovery probes.</b> A DEAD peer needs {@code readmitAfter} answered heartbeats in a row to be re-admitted
 * (the hysteresis). Waiting a whole interval between them would keep a pod that is back out of the lanes for
 * seconds, with its backlog growing; so a DEAD peer is probed again a quarter interval after it answers, and at once
 * when it calls this pod's heartbeat itself (a restarted pod's first act). The rule is the same — consecutive
 * answers — only sooner; a peer that answers every other heartbeat still stays out. A SUSPECT peer (a heartbeat or
 * two missed, often just a loaded host) is not probed: extra heartbeats would only add to the load.
 */
public final class Heartbeats {
    public static final String PATH = PodRoutes.PREFIX + "heartbeat";
    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    /**
     * The heartbeat's body: the sender's clock, epoch milliseconds, and the pin of its TLS key as configured now
     * ({@code ""}: none; null: not told, from a pod before pins rotated). A signed heartbeat is how a pod that was given
     * a new proxy key (and restarted with its new {@code pod.tls_pin}) tells its peers: the pin rotates without a relink.
     */
    record Beat(long sentAt, String tlsPin) {}

    /** The reply: the receiver's clock, epoch milliseconds. */
    record Echo(long now) {}

    private final PodClient client;
    private final PeerDirectory peers;
    private final HealthManager health;
    private final ClockSkew skew;
    private final PeerMetrics metrics;
    private final Clock clock;
    private final Duration interval;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** The linked peers as of the last round, by id. */
    private volatile Map<String, Peer> linked = Map.of();
    /** How soon a DEAD peer is probed again after it answered. */
    private final Duration recoveryProbe;
    /** This pod's TLS pin as its heartbeats tell it ({@code ""}: none). */
    private final String ownTlsPin;

    Heartbeats(PodClient client, PeerDirectory peers, HealthManager health, ClockSkew skew, PeerMetrics metrics, Clock clock,
               Duration interval, String ownTlsPin) {
        this.ownTlsPin = ownTlsPin == null ? "" : ownTlsPin;
        this.client = client;
        this.peers = peers;
        this.health = health;
        this.skew = skew;
        this.metrics = metrics;
        this.clock = clock;
        this.interval = interval;
        this.recoveryProbe = Duration.ofMillis(Math.max(20, interval.toMillis() / 4));
    }

    /** The inbound side: answers with this pod's clock. */
    void register(PodRoutes routes) {
        routes.handle(PATH, Beat.class, (from, beat) -> {
            if (beat.tlsPin() != null) repin(from, beat.tlsPin().isEmpty() ? null : beat.tlsPin());
            if (health.health(from).state() == PeerState.DEAD) probe(from, Duration.ZERO); // it is back: see whether it answers too
            return PodReply.ok(new Echo(clock.millis()));
        });
    }

    /**
     * Takes the pin a linked peer's signed heartbeat tells (its own key vouches for it, so whoever serves its address
     * cannot change it); a pin that does not fit its URL is logged and left out.
     */
    private void repin(String from, String pin) {
        Optional<Peer> peer = peers.find(from);
        if (peer.isEmpty() || Objects.equals(peer.get().tlsPin(), pin)) return;
        if (pin != null && (!TlsPin.valid(pin) || !peer.get().url().startsWith("https://"))) {
            log.warn("pod {} told a TLS pin that does not fit its URL {}; keeping {}", from, peer.get().url(), peer.get().tlsPin());
            return;
        }
        peers.save(peer.get().withTlsPin(pin));
        log.info("pod {} rotated its TLS pin: calls to it now {}", from, pin == null ? "use CA validation" : "require " + pin);
    }

    /** One round: every linked peer is sent a heartbeat, then the health timers run. */
    void round() {
        List<Peer> current;
        try {
            current = peers.all();
        } catch (RuntimeException e) {
            log.warn("cannot read the linked pods from the store; heartbeats wait for the next round", e);
            health.tick();
            return;
        }
        Map<String, Peer> now = new HashMap<>();
        for (Peer p : current) now.put(p.id(), p);
        for (String gone : linked.keySet()) {
            if (!now.containsKey(gone)) forget(gone);
        }
        for (Peer p : current) {
            if (!linked.containsKey(p.id())) {
                health.watch(p.id());
                if (p.scoreOverride() != null) health.override(p.id(), p.scoreOverride());
                metrics.add(p.id());
            }
        }
        linked = Map.copyOf(now);
        for (Peer p : current) {
            if (inFlight.add(p.id())) send(p);
        }
        health.tick();
    }

    private void send(Peer peer) {
        long t0 = clock.millis();
        client.sendAsync(peer.address(), PATH, PodClient.json(new Beat(t0, ownTlsPin)), interval, PodClient.Report.NONE)
                .whenComplete((result, error) -> {
                    inFlight.remove(peer.id());
                    if (!linked.containsKey(peer.id())) return; // unlinked meanwhile
                    if (result instanceof PodResult.Ok ok) {
                        long t2 = clock.millis();
                        Echo echo;
                        try {
                            echo = ok.json(Echo.class);
                        } catch (RuntimeException e) {
                            health.heartbeatMissed(peer.id());
                            return;
                        }
                        health.heartbeatOk(peer.id(), Duration.ofMillis(Math.max(0, t2 - t0)));
                        health.recordClockOffset(peer.id(), skew.sample(peer.id(), t0, echo.now(), t2));
                        if (health.health(peer.id()).state() == PeerState.DEAD) probe(peer.id(), recoveryProbe);
                    } else {
                        if (result instanceof PodResult.Failed f && log.isDebugEnabled()) {
                            log.debug("heartbeat to {} failed: {} {}", peer.id(), f.kind(), f.message());
                        }
                        health.heartbeatMissed(peer.id());
                    }
                });
    }

    /** Sends the peer a heartbeat after {@code delay}, unless one is in flight then (a recovery probe). */
    private void probe(String peer, Duration delay) {
        java.util.concurrent.Executor later = delay.isZero() ? Runnable::run
                : java.util.concurrent.CompletableFuture.delayedExecutor(delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        later.execute(() -> {
            Peer p = linked.get(peer);
            if (p != null && inFlight.add(peer)) send(p);
        });
    }

    /** Drops a peer that was unlinked (here or on another node). */
    void forget(String peer) {
        Map<String, Peer> rest = new HashMap<>(linked);
        rest.remove(peer);
        linked = Map.copyOf(rest);
        health.forget(peer);
        skew.forget(peer);
        metrics.remove(peer);
    }
}
