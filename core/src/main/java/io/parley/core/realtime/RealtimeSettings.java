package io.parley.core.realtime;

import java.time.Duration;

/**
 * Timers of typing and presence (spec 002 §4.1–4.3, §7.3). Tests shorten them through configuration.
 *
 * @param typingExpiry a typing state ends this long after the last accepted {@code typing.start} (5 s)
 * @param typingInterval at most one {@code typing.start} per user per chat in this interval; the rest are dropped (1 s)
 * @param presenceOfflineGrace a user whose last connection closed turns offline after this long, unless they reconnect (60 s)
 * @param presenceAwayAfter a connected user without client activity for this long is away (5 min)
 * @param presenceBatch presence changes are gathered over windows of this length, only the latest per user kept (2 s)
 * @param presenceSubscriptionTtl a presence subscription lapses this long after it was made, unless renewed (10 min)
 * @param presenceUpdateInterval {@code presence.update} applies at most once per interval; later ones coalesce, the latest winning (10 s)
 * @param typingSummaryAbove a chat posting more messages than this in a second is in summary mode for typing:
 *                           per-user indicators are suppressed there until it calms down (100, spec 002 §7.4)
 */
public record RealtimeSettings(Duration typingExpiry, Duration typingInterval, Duration presenceOfflineGrace,
                               Duration presenceAwayAfter, Duration presenceBatch, Duration presenceSubscriptionTtl,
                               Duration presenceUpdateInterval, int typingSummaryAbove) {
    public static final RealtimeSettings DEFAULTS = new RealtimeSettings(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(10), 100);

    public RealtimeSettings {
        for (Duration d : new Duration[]{typingExpiry, typingInterval, presenceOfflineGrace, presenceAwayAfter, presenceBatch,
                presenceSubscriptionTtl, presenceUpdateInterval}) {
            if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException("realtime timers must be positive");
        }
        if (typingSummaryAbove < 1) throw new IllegalArgumentException("typingSummaryAbove must be at least 1");
    }

    /** {@return how often the realtime timer runs: a quarter of the shortest window, between 10 ms and 250 ms} */
    public Duration tick() {
        long shortest = Math.min(typingExpiry.toMillis(), Math.min(presenceBatch.toMillis(), presenceOfflineGrace.toMillis()));
        return Duration.ofMillis(Math.clamp(shortest / 4, 10, 250));
    }

    /** {@return the rate limits with typing and presence updates set from these settings} */
    public RateLimits applyTo(RateLimits limits) {
        return limits.with(RateAction.TYPING, new RateLimits.Limit(1, typingInterval))
                .with(RateAction.PRESENCE, new RateLimits.Limit(1, presenceUpdateInterval));
    }
}
