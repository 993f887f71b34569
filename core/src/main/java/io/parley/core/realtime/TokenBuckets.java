package io.parley.core.realtime;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory {@link RateLimiter}: one token bucket per (user, action, scope), refilled lazily
 * from the clock on each acquire (no timers). Buckets idle long enough to be full again are
 * dropped by {@link #evictIdle()}, so memory follows active users.
 */
public final class TokenBuckets implements RateLimiter {
    private record Key(UUID user, RateAction action, Object scope) {}

    /** Tokens as fixed-point nanos-of-refill: {@code tokens} is in units of one token. */
    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final RateLimits limits;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(RateLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Decision acquire(UUID userId, RateAction action, Object scope) {
        RateLimits.Limit limit = limits.of(action);
        long now = nanos();
        double perToken = (double) limit.per().toNanos() / limit.capacity();
        Bucket b = buckets.computeIfAbsent(new Key(userId, action, scope), k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = limit.capacity();
            fresh.updatedNanos = now;
            return fresh;
        });
        synchronized (b) {
            b.tokens = Math.min(limit.capacity(), b.tokens + (now - b.updatedNanos) / perToken);
            b.updatedNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return new Decision(true, limit.capacity(), (int) Math.floor(b.tokens), 0);
            }
            long waitNanos = (long) Math.ceil((1 - b.tokens) * perToken);
            int retryAfter = (int) Math.max(1, Math.ceil(waitNanos / 1e9));
            return new Decision(false, limit.capacity(), 0, retryAfter);
        }
    }

    /** Drops buckets that have refilled completely (they would behave exactly like new ones). */
    public void evictIdle() {
        long now = nanos();
        buckets.entrySet().removeIf(e -> {
            RateLimits.Limit limit = limits.of(e.getKey().action());
            Bucket b = e.getValue();
            synchronized (b) {
                return now - b.updatedNanos >= limit.per().toNanos();
            }
        });
    }

    /** {@return how many buckets are held} */
    public int size() {
        return buckets.size();
    }

    private long nanos() {
        // The clock is injectable for tests; millis resolution is plenty for limits of 1/s and slower.
        return Objects.requireNonNull(clock).millis() * 1_000_000L;
    }
}
