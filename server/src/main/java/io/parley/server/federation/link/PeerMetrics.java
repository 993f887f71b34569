package io.parley.server.federation.link;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.pod.HealthManager;
import io.parley.core.pod.PeerState;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gauges {@code parley_pod_peer_score{peer}} (0–100) and {@code parley_pod_peer_state{peer}} (0 alive,
 * 1 suspect, 2 dead), one pair per linked peer, added and removed as peers come and go.
 */
final class PeerMetrics {
    private final MeterRegistry registry;
    private final HealthManager health;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    PeerMetrics(MeterRegistry registry, HealthManager health) {
        this.registry = registry;
        this.health = health;
    }

    void add(String peer) {
        meters.computeIfAbsent(peer, id -> List.of(
                Gauge.builder("parley_pod_peer_score", health, h -> h.health(id).score())
                        .description("this pod's HealthScore of the peer, 0-100").tag("peer", id).register(registry),
                Gauge.builder("parley_pod_peer_state", health, h -> stateNumber(h.health(id).state()))
                        .description("the peer's liveness: 0 alive, 1 suspect, 2 dead").tag("peer", id).register(registry)));
    }

    void remove(String peer) {
        List<Meter> m = meters.remove(peer);
        if (m != null) m.forEach(registry::remove);
    }

    static int stateNumber(PeerState s) {
        return switch (s) {
            case ALIVE -> 0;
            case SUSPECT -> 1;
            case DEAD -> 2;
        };
    }
}
