package io.parley.core.realtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clock of typing and presence: one named daemon thread that expires typing states, runs the
 * presence tick (grace, away, coalesced updates, batches) and drops idle rate-limit buckets.
 * A task that throws is logged and runs again on the next tick.
 */
public final class RealtimeTimer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RealtimeTimer.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-realtime-timer").daemon().factory());

    /** Starts ticking every {@code settings.tick()}. */
    public RealtimeTimer(TypingService typing, PresenceService presence, TokenBuckets buckets, RealtimeSettings settings) {
        long tick = settings.tick().toMillis();
        timer.scheduleWithFixedDelay(new Tick(typing, presence), tick, tick, TimeUnit.MILLISECONDS);
        long evict = Duration.ofMinutes(1).toMillis();
        timer.scheduleWithFixedDelay(() -> guarded("bucket eviction", buckets::evictIdle), evict, evict, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("realtime {} failed; will run again", what, e);
        }
    }

    /** One pass: typing expiry, then the presence clocks. */
    private record Tick(TypingService typing, PresenceService presence) implements Runnable {
        @Override
        public void run() {
            guarded("typing expiry", typing::expire);
            guarded("presence tick", presence::tick);
        }
    }
}
