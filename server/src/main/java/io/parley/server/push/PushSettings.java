package io.parley.server.push;

import java.time.Duration;
import java.util.Objects;

/**
 * How Web Push behaves; the app's {@code [push]} configuration section, validated there.
 *
 * @param subject the VAPID {@code sub}: a {@code mailto:} or {@code https:} contact for push-service operators
 *     (mailto:admin@localhost; the public URL when that is https)
 * @param ttl how long a push service keeps an undelivered message, and how long a queued row lives (24h)
 * @param urgentTtl the same for urgent messages, which are pointless once stale (1h)
 * @param maxAttempts failed attempts after which a row is dropped (8)
 * @param retryBase the first retry's delay; each further retry doubles it, with jitter (10s)
 * @param retryMax the longest delay between two attempts (1h)
 * @param allowInsecureEndpoints accept {@code http://} endpoints on loopback hosts (tests only; false)
 */
public record PushSettings(String subject, Duration ttl, Duration urgentTtl, int maxAttempts, Duration retryBase,
                           Duration retryMax, boolean allowInsecureEndpoints) {
    public static final PushSettings DEFAULTS = new PushSettings("mailto:admin@localhost", Duration.ofHours(24),
            Duration.ofHours(1), 8, Duration.ofSeconds(10), Duration.ofHours(1), false);

    public PushSettings {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(urgentTtl, "urgentTtl");
        Objects.requireNonNull(retryBase, "retryBase");
        Objects.requireNonNull(retryMax, "retryMax");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
}
