package io.parley.core.pod;

import java.time.Duration;

/**
 * Timers of the {@link LeaseElection}.
 *
 * @param leaseDuration how long a lease lasts without renewal (30 s); the holder renews well before
 * @param maxClockSkew the largest clock difference tolerated between pods (2 s): a peer beyond it is not a
 *                     candidate, a holder stops acting this long before its lease ends, and others take over
 *                     only this long after it ended
 */
public record LeaseSettings(Duration leaseDuration, Duration maxClockSkew) {
    public LeaseSettings {
        if (leaseDuration == null || leaseDuration.isZero() || leaseDuration.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive");
        }
        if (maxClockSkew == null || maxClockSkew.isNegative()) throw new IllegalArgumentException("maxClockSkew must be zero or positive");
        if (leaseDuration.compareTo(maxClockSkew.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("leaseDuration must be longer than twice maxClockSkew");
        }
    }

    /** {@return 30 s leases, 2 s tolerated skew} */
    public static LeaseSettings defaults() {
        return new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(2));
    }
}
