package io.parley.core.realtime;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The configured limits: a token bucket per action of {@code capacity} tokens refilled evenly over
 * {@code per} (so 10 per second allows a burst of 10, then one every 100 ms).
 */
public record RateLimits(Map<RateAction, Limit> limits) {
    /** {@code capacity} actions per {@code per}. */
    public record Limit(int capacity, Duration per) {
        public Limit {
            if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
            if (per.isZero() || per.isNegative()) throw new IllegalArgumentException("per must be positive");
        }
    }

    public RateLimits {
        limits = Map.copyOf(limits);
        for (RateAction a : RateAction.values()) {
            if (!limits.containsKey(a)) throw new IllegalArgumentException("no limit for " + a);
        }
    }

    /** {@return the limit for an action} */
    public Limit of(RateAction action) {
        return limits.get(action);
    }

    /** {@return these limits with one action's limit replaced} */
    public RateLimits with(RateAction action, Limit limit) {
        Map<RateAction, Limit> m = new EnumMap<>(limits);
        m.put(action, limit);
        return new RateLimits(m);
    }

    /** Spec 002 §7.3: messages 10/s, typing 1/s per chat, read marks 5/s, presence 1/10 s, search 5/s, uploads 10/min, urgent 3/h; posts per incoming webhook 10/s. */
    public static RateLimits defaults() {
        Map<RateAction, Limit> m = new EnumMap<>(RateAction.class);
        m.put(RateAction.MESSAGE, new Limit(10, Duration.ofSeconds(1)));
        m.put(RateAction.TYPING, new Limit(1, Duration.ofSeconds(1)));
        m.put(RateAction.READ_MARK, new Limit(5, Duration.ofSeconds(1)));
        m.put(RateAction.PRESENCE, new Limit(1, Duration.ofSeconds(10)));
        m.put(RateAction.SEARCH, new Limit(5, Duration.ofSeconds(1)));
        m.put(RateAction.UPLOAD, new Limit(10, Duration.ofMinutes(1)));
        m.put(RateAction.URGENT, new Limit(3, Duration.ofHours(1)));
        m.put(RateAction.WEBHOOK, new Limit(10, Duration.ofSeconds(1)));
        return new RateLimits(m);
    }
}
