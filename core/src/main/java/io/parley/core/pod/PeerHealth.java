package io.parley.core.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of what this pod knows about one peer, for routing, /health, /metrics and the admin API.
 *
 * @param peer the peer's pod id
 * @param score the score routing uses, 0–100: the admin override if set, else 0 for a dead peer, else the computed score
 * @param state liveness from heartbeats
 * @param missedHeartbeats heartbeats missed in a row (0 once one is answered)
 * @param lastSeen when a heartbeat or request last succeeded; null if never
 * @param p95LatencyMs 95th percentile of the recent successful round trips, 0 without samples
 * @param meanLatencyMs mean of the recent successful round trips, 0 without samples
 * @param override the admin's score, or null
 * @param routes the computed score of each route to the peer (for example "direct", "relay:pod-b"), by route name
 * @param computedScore the score from the peer's own record, whatever the override and state
 * @param usable whether the peer may carry traffic: not dead and {@code score} at or above the threshold
 * @param clockOffset the peer's clock minus ours as last measured, or null if never measured
 */
public record PeerHealth(String peer, int score, PeerState state, int missedHeartbeats, Instant lastSeen,
                         double p95LatencyMs, double meanLatencyMs, Integer override, Map<String, Integer> routes,
                         int computedScore, boolean usable, Duration clockOffset) {

    /** {@return the range the score falls in} */
    public HealthBand band() {
        return HealthBand.of(score);
    }
}
