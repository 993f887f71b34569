package io.parley.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for tests: the system clock shifted by an offset the test sets, so "now" can be any hour of the day; or,
 * once frozen, a clock that moves only when the test advances it.
 */
public final class TestClock extends Clock {
    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;

    /** Moves "now" to the given instant (time keeps running from there). */
    public void set(Instant now) {
        frozen = null;
        offset = Duration.between(Instant.now(), now);
    }

    /** Stops time at the current "now": from here it moves only by {@link #advance}. */
    public void freeze() {
        frozen = instant();
    }

    /** Moves "now" forward by {@code d}. */
    public void advance(Duration d) {
        Instant f = frozen;
        if (f != null) frozen = f.plus(d);
        else offset = offset.plus(d);
    }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }

    @Override
    public Instant instant() {
        Instant f = frozen;
        if (f != null) return f;
        return Instant.ofEpochMilli(System.currentTimeMillis()).plus(offset);
    }
}
