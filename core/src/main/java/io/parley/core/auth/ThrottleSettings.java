package io.parley.core.auth;

import java.time.Duration;

/**
 * How failed proofs slow down further attempts ({@link ProofGate}). Under each key the first {@code free} failures cost
 * nothing; after {@code n ≥ free} failures the next attempt must wait {@code baseDelay · 2^(n − free)}, at most
 * {@code maxDelay}, from the last attempt. A key without an attempt for {@code forgetAfter} starts over.
 *
 * @param freeFailures failures of one account from one client address before the backoff starts (5)
 * @param accountFreeFailures failures of one account from any address (20): a looser ceiling, see {@link ProofGate}
 * @param addressFreeFailures failures from one client address for any accounts (100): a looser ceiling
 * @param baseDelay the first wait (1 s); it doubles with every further failure
 * @param maxDelay the longest wait (15 min): the backoff never becomes a lockout
 * @param forgetAfter a key quiet this long is forgotten (1 h); longer than {@code maxDelay}, or a guesser waiting out
 *     the longest delay would start over every time
 */
public record ThrottleSettings(int freeFailures, int accountFreeFailures, int addressFreeFailures, Duration baseDelay,
                               Duration maxDelay, Duration forgetAfter) {
    public static final ThrottleSettings DEFAULTS = new ThrottleSettings(5, 20, 100, Duration.ofSeconds(1),
            Duration.ofMinutes(15), Duration.ofHours(1));

    public ThrottleSettings {
        if (freeFailures < 1) throw new IllegalArgumentException("freeFailures must be at least 1");
        if (accountFreeFailures < freeFailures || addressFreeFailures < freeFailures) {
            throw new IllegalArgumentException("the account and address ceilings must be at least freeFailures");
        }
        if (baseDelay.isNegative() || baseDelay.isZero()) throw new IllegalArgumentException("baseDelay must be positive");
        if (maxDelay.compareTo(baseDelay) < 0) throw new IllegalArgumentException("maxDelay must be at least baseDelay");
        if (forgetAfter.compareTo(maxDelay) <= 0) throw new IllegalArgumentException("forgetAfter must be longer than maxDelay");
    }

    /** {@return how long an attempt must wait after {@code failures} failures, when {@code free} of them are free} */
    public Duration delayAfter(int failures, int free) {
        if (failures < free) return Duration.ZERO;
        int doublings = Math.min(failures - free, 40); // 2^40 base delays is past any sane maxDelay already
        long millis = baseDelay.toMillis();
        long delay = doublings >= Long.numberOfLeadingZeros(millis) - 1 ? Long.MAX_VALUE : millis << doublings;
        return Duration.ofMillis(Math.min(delay, maxDelay.toMillis()));
    }
}
