package io.parley.core.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test tells it to; safe to read from many threads. */
public final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-23T00:00:00Z");

    public void advance(Duration d) { now = now.plus(d); }
    public void advanceMillis(long ms) { advance(Duration.ofMillis(ms)); }
    @Override public Instant instant() { return now; }
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
}
