package io.parley.core.id;

import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridClockTest {
    @Test
    void stampsIncreaseWhenTheWallClockStandsStillOrGoesBack() {
        ManualClock wall = new ManualClock(Instant.ofEpochMilli(1_000_000));
        HybridClock hlc = new HybridClock(wall);
        long a = hlc.now();
        long b = hlc.now();
        wall.advanceMillis(-500); // NTP step backwards
        long c = hlc.now();
        assertTrue(a < b && b < c);
        assertEquals(1_000_000, HybridClock.millisOf(c));
        assertEquals(2, HybridClock.logicalOf(c));
        wall.advanceMillis(1000);
        long d = hlc.now();
        assertEquals(1_000_500, HybridClock.millisOf(d));
        assertEquals(0, HybridClock.logicalOf(d));
    }

    @Test
    void observingARemoteStampFromTheFutureMovesThisClockPastIt() {
        ManualClock wall = new ManualClock(Instant.ofEpochMilli(1_000_000));
        HybridClock hlc = new HybridClock(wall);
        long remote = (2_000_000L << 16) | 7;
        long received = hlc.observe(remote);
        assertTrue(received > remote);
        assertTrue(hlc.now() > received, "later local events stay after the received one");
    }
}
