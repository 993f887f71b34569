package io.parley.core.pod;

import java.time.Duration;

/**
 * Per-pod limits on replication (spec 000 §5.2).
 *
 * @param maxResilientChannels resilient channels this pod may host as primary or replica (20)
 * @param maxReplicatedBytes total bytes of replicated logs this pod keeps (1 GiB)
 * @param bytesPerSecond sustained replication rate (1 MiB/s)
 * @param burstBytes how far the rate may be exceeded in one go (8 MiB)
 * @param alertEvery at most one alert per kind of limit in this interval, so a throttled stream does not flood (1 min)
 */
public record QuotaSettings(int maxResilientChannels, long maxReplicatedBytes, long bytesPerSecond, long burstBytes,
                            Duration alertEvery) {
    public QuotaSettings {
        if (maxResilientChannels < 0) throw new IllegalArgumentException("maxResilientChannels must not be negative");
        if (maxReplicatedBytes < 0) throw new IllegalArgumentException("maxReplicatedBytes must not be negative");
        if (bytesPerSecond < 1) throw new IllegalArgumentException("bytesPerSecond must be positive");
        if (burstBytes < 1) throw new IllegalArgumentException("burstBytes must be positive");
        if (alertEvery == null || alertEvery.isNegative()) throw new IllegalArgumentException("alertEvery must be zero or positive");
    }

    /** {@return 20 channels, 1 GiB, 1 MiB/s with 8 MiB bursts, alerts at most once a minute per kind} */
    public static QuotaSettings defaults() {
        return new QuotaSettings(20, 1L << 30, 1L << 20, 8L << 20, Duration.ofMinutes(1));
    }
}
