package io.parley.core.error;

/**
 * A rate limit said no: {@link ErrorCode#RATE_LIMITED} or {@link ErrorCode#URGENT_LIMIT}, with the bucket's
 * size and what is left, which REST reports as {@code X-RateLimit-Limit} and {@code X-RateLimit-Remaining}.
 */
public final class RateLimitedException extends ParleyException {
    private final int limit;
    private final int remaining;

    public RateLimitedException(ErrorCode code, String message, int retryAfterSeconds, int limit, int remaining) {
        super(code, message, retryAfterSeconds, null);
        this.limit = limit;
        this.remaining = remaining;
    }

    /** {@return the bucket's capacity} */
    public int limit() { return limit; }

    /** {@return the tokens left (0 when refused)} */
    public int remaining() { return remaining; }
}
