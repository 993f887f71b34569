package io.parley.core.pod;

import java.util.Arrays;

/**
 * The numbers behind one HealthScore (of a peer or of one route to it). Not thread-safe: the
 * {@link HealthManager} guards each instance with its peer's lock.
 *
 * <h2>The score</h2>
 * <ol>
 *   <li><b>Decayed success rate.</b> Successes count 1 and failures their {@link Failure#weight()}; both sums
 *       halve every {@code halfLife}, so recent outcomes dominate. A fixed prior of one outcome at 75 % is
 *       added that does not decay: an unknown peer starts at "normal", and once old failures fade, an idle
 *       peer drifts back towards it instead of being stuck at the last burst of errors.</li>
 *   <li><b>Latency.</b> Mean and p95 over the last {@value #WINDOW} successful round trips, each mapped to
 *       {@code 500 / (500 + ms)} (1 at 0 ms, ½ at 500 ms) and averaged.</li>
 *   <li><b>Score</b> = 100 × rate × (0.7 + 0.3 × latency): the success rate decides the band, latency can take
 *       at most 30 points off. A perfect link at 20 ms scores about 99; at 500 ms about 85.</li>
 * </ol>
 */
final class HealthStats {
    static final int WINDOW = 64;
    private static final double PRIOR_WEIGHT = 1.0;
    private static final double PRIOR_RATE = 0.75;
    private static final double LATENCY_REF_MS = 500.0;
    private static final double LATENCY_SHARE = 0.3;

    private final double halfLifeMillis;
    private double successes;
    private double failures;
    private long decayedAt;
    private final double[] latencies = new double[WINDOW];
    private int latencyCount;
    private int latencyNext;

    HealthStats(long halfLifeMillis, long now) {
        this.halfLifeMillis = halfLifeMillis;
        this.decayedAt = now;
    }

    void success(long now, double latencyMs) {
        decayTo(now);
        successes += 1;
        if (latencyMs >= 0) {
            latencies[latencyNext] = latencyMs;
            latencyNext = (latencyNext + 1) % WINDOW;
            latencyCount = Math.min(latencyCount + 1, WINDOW);
        }
    }

    void failure(long now, Failure failure) {
        decayTo(now);
        failures += failure.weight();
    }

    /** {@return the score 0–100 at this instant} */
    int score(long now) {
        decayTo(now);
        double rate = (successes + PRIOR_WEIGHT * PRIOR_RATE) / (successes + failures + PRIOR_WEIGHT);
        double latency = latencyCount == 0 ? 1.0 : (speed(meanLatency()) + speed(p95Latency())) / 2;
        long score = Math.round(100 * rate * ((1 - LATENCY_SHARE) + LATENCY_SHARE * latency));
        return (int) Math.clamp(score, 0, 100);
    }

    /** {@return the mean of the latency window in milliseconds, 0 when empty} */
    double meanLatency() {
        if (latencyCount == 0) return 0;
        double sum = 0;
        for (int i = 0; i < latencyCount; i++) sum += latencies[i];
        return sum / latencyCount;
    }

    /** {@return the 95th percentile (nearest rank) of the latency window in milliseconds, 0 when empty} */
    double p95Latency() {
        if (latencyCount == 0) return 0;
        double[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.95 * latencyCount);
        return sorted[rank - 1];
    }

    private static double speed(double ms) {
        return LATENCY_REF_MS / (LATENCY_REF_MS + ms);
    }

    /** Ages both sums to {@code now}; a clock that stepped back ages nothing. */
    private void decayTo(long now) {
        if (now <= decayedAt) return;
        double factor = Math.pow(0.5, (now - decayedAt) / halfLifeMillis);
        successes *= factor;
        failures *= factor;
        decayedAt = now;
    }
}
