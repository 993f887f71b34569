package io.parley.core.pod;

import java.time.Duration;

/**
 * Timers and thresholds of the {@link HealthManager} (spec 000 §2, spec 001 §1). Validated on construction.
 *
 * @param heartbeatInterval how often a heartbeat is expected from (or sent to) each peer (5 s)
 * @param deadAfterMissed consecutive missed heartbeats before a peer may be declared dead (3)
 * @param grace a peer is declared dead only once this long has also passed since anything last succeeded
 *              with it, so a short stall does not evict it (30 s); zero means the misses alone decide
 * @param readmitAfter consecutive answered heartbeats a dead or suspect peer needs to be alive again; the
 *                     hysteresis that keeps a peer on a lossy link from flapping (2)
 * @param threshold a peer whose score is below this is avoided unless nothing better exists (30)
 * @param halfLife the age at which an outcome counts half in the success rate (60 s)
 */
public record HealthSettings(Duration heartbeatInterval, int deadAfterMissed, Duration grace, int readmitAfter,
                             int threshold, Duration halfLife) {

    public HealthSettings {
        positive("heartbeatInterval", heartbeatInterval);
        positive("halfLife", halfLife);
        if (grace == null || grace.isNegative()) throw new IllegalArgumentException("grace must be zero or positive");
        if (deadAfterMissed < 1) throw new IllegalArgumentException("deadAfterMissed must be at least 1");
        if (readmitAfter < 1) throw new IllegalArgumentException("readmitAfter must be at least 1");
        if (threshold < 0 || threshold > 100) throw new IllegalArgumentException("threshold must be between 0 and 100");
    }

    /** {@return the defaults: 5 s heartbeats, dead after 3 misses and 30 s grace, back after 2, threshold 30, half-life 60 s} */
    public static HealthSettings defaults() {
        return new HealthSettings(Duration.ofSeconds(5), 3, Duration.ofSeconds(30), 2, 30, Duration.ofSeconds(60));
    }

    /** {@return the longest a dead peer can go undetected: the misses or the grace, whichever ends later} */
    public Duration detectionBound() {
        Duration misses = heartbeatInterval.multipliedBy(deadAfterMissed + 1L); // +1: one interval of slack for jitter
        return misses.compareTo(grace) >= 0 ? misses : grace;
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(field + " must be positive");
    }
}
