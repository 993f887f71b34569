package io.parley.core.realtime;

import java.util.UUID;

/**
 * Decides whether a user may do an action now. The single-node limiter keeps buckets in memory;
 * a scaled-out pod shares them (issue 6) behind this same interface.
 */
public interface RateLimiter {
    /** The answer: allowed or not, how much is left, and when to retry. */
    record Decision(boolean allowed, int limit, int remaining, int retryAfterSeconds) {}

    /**
     * Takes one token from the user's bucket for the action (and scope, e.g. a chat id for typing;
     * null for per-user buckets). {@return the decision}
     */
    Decision acquire(UUID userId, RateAction action, Object scope);
}
