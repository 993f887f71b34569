package io.parley.core.id;

import java.time.Clock;

/**
 * A Hybrid Logical Clock (Kulkarni et al., 2014) packed into one {@code long}:
 * the high 48 bits are wall-clock milliseconds, the low 16 bits a logical counter.
 *
 * <p>Stamps from one clock are strictly increasing; {@link #observe(long)} folds in a stamp
 * seen from another pod so causally later events always carry larger stamps even when
 * wall clocks disagree. Conflicts resolve last-writer-wins on (stamp, pod id), so the
 * packed form compares with plain {@code Long.compare}.
 */
public final class HybridClock {
    private static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final Clock wall;
    private long last;

    public HybridClock(Clock wall) {
        this.wall = wall;
    }

    /** {@return a stamp for a local event, larger than every stamp issued or observed before} */
    public synchronized long now() {
        long physical = wall.millis() << LOGICAL_BITS;
        last = physical > last ? physical : last + 1;
        return last;
    }

    /** Advances this clock past a stamp received from elsewhere and {@return the stamp for the receive event}. */
    public synchronized long observe(long remote) {
        long physical = wall.millis() << LOGICAL_BITS;
        last = Math.max(physical, Math.max(last, remote) + 1);
        return last;
    }

    /** {@return the wall-clock milliseconds of a stamp} */
    public static long millisOf(long stamp) {
        return stamp >>> LOGICAL_BITS;
    }

    /** {@return the logical counter of a stamp} */
    public static int logicalOf(long stamp) {
        return (int) (stamp & LOGICAL_MASK);
    }
}
