package io.parley.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for tests: the system clock shifted by an offset the test sets, so "now" can be any hour of the day. */
public final class TestClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /** Moves "now" to the given instant (time keeps running from there). */
    public void set(Instant now) {
        offset = Duration.between(Instant.now(), now);
    }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(System.currentTimeMillis()).plus(offset);
    }
}
