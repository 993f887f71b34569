package io.parley.core.pod;

import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replication quotas: channel count, byte volume, rate as a token bucket; throttling and alerts. */
class ReplicationQuotaTest {
    private final ManualClock clock = new ManualClock();
    private final List<String> alerts = new ArrayList<>();
    /** 2 channels, 10 000 bytes, 1000 bytes/s with bursts of 2000, alerts at most once a minute per kind. */
    private final ReplicationQuota quota = new ReplicationQuota(
            new QuotaSettings(2, 10_000, 1000, 2000, Duration.ofMinutes(1)), clock, (kind, detail) -> alerts.add(kind.name()));

    @Test
    void theChannelLimitRefusesOneTooManyAndAlerts() {
        assertTrue(quota.addResilientChannel("a"));
        assertTrue(quota.addResilientChannel("b"));
        assertTrue(quota.addResilientChannel("a"), "already there");
        assertFalse(quota.addResilientChannel("c"));
        assertEquals(List.of("RESILIENT_CHANNELS"), alerts);
        quota.removeResilientChannel("b");
        assertTrue(quota.addResilientChannel("c"));
        assertEquals(2, quota.usage().resilientChannels());
    }

    @Test
    void theByteVolumeRefusesUntilSomethingIsReleased() {
        for (int i = 0; i < 4; i++) {
            assertTrue(quota.admit("a", 2000).admitted());
            clock.advance(Duration.ofSeconds(2)); // keep the rate out of it
        }
        ReplicationQuota.Admission refused = quota.admit("b", 2001);
        assertAll(() -> assertFalse(refused.admitted()),
                () -> assertEquals(QuotaAlert.Kind.REPLICATED_BYTES, refused.limitedBy()),
                () -> assertNull(refused.retryAfter(), "waiting does not help"));
        quota.release("a", 1);
        assertTrue(quota.admit("b", 2001).admitted());
        assertEquals(10_000, quota.usage().replicatedBytes());
        quota.removeResilientChannel("a"); // its 7999 bytes go with it
        assertEquals(2001, quota.usage().replicatedBytes());
    }

    @Test
    void preloadedBytesCountAgainstTheVolumeButNotTheRate() {
        quota.preload("a", 7000);
        assertEquals(7000, quota.usage().replicatedBytes());
        assertTrue(quota.admit("b", 1000).admitted(), "the rate bucket is untouched");
        assertFalse(quota.admit("b", 2001).admitted(), "7000 + 1000 + 2001 is over the volume");
        quota.removeResilientChannel("a");
        assertEquals(1000, quota.usage().replicatedBytes());
    }

    @Test
    void theRateThrottlesWithARetryDelayAndRefills() {
        assertTrue(quota.admit("a", 2000).admitted()); // the whole burst
        ReplicationQuota.Admission throttled = quota.admit("a", 500);
        assertAll(() -> assertFalse(throttled.admitted()),
                () -> assertEquals(QuotaAlert.Kind.REPLICATION_RATE, throttled.limitedBy()),
                () -> assertEquals(Duration.ofMillis(500), throttled.retryAfter()));
        clock.advance(Duration.ofMillis(499));
        assertFalse(quota.admit("a", 500).admitted());
        clock.advance(Duration.ofMillis(1));
        assertTrue(quota.admit("a", 500).admitted());
        assertEquals(2500, quota.usage().replicatedBytes(), "throttled batches are not counted");
    }

    @Test
    void aBatchLargerThanTheBurstPassesOnAFullBucketAndIsPaidForAfter() {
        assertTrue(quota.admit("a", 5000).admitted());
        ReplicationQuota.Admission next = quota.admit("a", 100);
        assertEquals(Duration.ofMillis(3100), next.retryAfter());
        clock.advance(Duration.ofMillis(3100));
        assertTrue(quota.admit("a", 100).admitted());
    }

    @Test
    void alertsAreRateLimitedButEveryHitIsCounted() {
        quota.admit("a", 2000);
        for (int i = 0; i < 50; i++) quota.admit("a", 1000);
        assertEquals(List.of("REPLICATION_RATE"), alerts);
        clock.advance(Duration.ofSeconds(61));
        quota.admit("a", 2000);
        quota.admit("a", 2000);
        assertEquals(List.of("REPLICATION_RATE", "REPLICATION_RATE"), alerts);
        assertEquals(51L, quota.usage().exceeded().get(QuotaAlert.Kind.REPLICATION_RATE));
    }

    @Test
    void aFailingAlertDoesNotBreakTheQuota() {
        ReplicationQuota q = new ReplicationQuota(new QuotaSettings(0, 10, 1, 1, Duration.ZERO), clock,
                (kind, detail) -> { throw new IllegalStateException("pager down"); });
        assertFalse(q.addResilientChannel("a"));
        assertFalse(q.admit("a", 11).admitted());
    }

    @Test
    void settingsAreValidated() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> new QuotaSettings(-1, 1, 1, 1, Duration.ZERO)),
                () -> assertThrows(IllegalArgumentException.class, () -> new QuotaSettings(1, 1, 0, 1, Duration.ZERO)),
                () -> assertThrows(IllegalArgumentException.class, () -> new QuotaSettings(1, 1, 1, 0, Duration.ZERO)),
                () -> assertThrows(IllegalArgumentException.class, () -> quota.admit("a", -1)),
                () -> assertEquals(20, QuotaSettings.defaults().maxResilientChannels()));
    }
}
