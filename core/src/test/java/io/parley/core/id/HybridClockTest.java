package io.parley.core.id;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridClockTest {
    /** A wall clock the test moves by hand, backwards too. */
    private static final class HandClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
        @Override public long millis() { return millis.get(); }
    }

    @Test
    void stampsIncreaseWhenTheWallClockStandsStillOrGoesBack() {
        HandClock wall = new HandClock();
        HybridClock hlc = new HybridClock(wall);
        long a = hlc.now();
        long b = hlc.now();
        wall.millis.addAndGet(-500); // NTP step backwards
        long c = hlc.now();
        assertTrue(a < b && b < c);
        assertEquals(1_000_000, HybridClock.millisOf(c));
        assertEquals(2, HybridClock.logicalOf(c));
        wall.millis.addAndGet(1000);
        long d = hlc.now();
        assertEquals(1_000_500, HybridClock.millisOf(d));
        assertEquals(0, HybridClock.logicalOf(d));
    }

    @Test
    void observingARemoteStampFromTheFutureMovesThisClockPastIt() {
        HandClock wall = new HandClock();
        HybridClock hlc = new HybridClock(wall);
        long remote = (2_000_000L << 16) | 7;
        long received = hlc.observe(remote);
        assertTrue(received > remote);
        assertTrue(hlc.now() > received, "later local events stay after the received one");
    }
}
