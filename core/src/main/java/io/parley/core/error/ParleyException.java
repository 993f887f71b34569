package io.parley.core.error;

/**
 * The one domain exception: a failure with a client-visible {@link ErrorCode}. Translated to an
 * {@code error} frame or a JSON error body only at the edge. Messages are written for clients and
 * never contain message content or secrets.
 */
public class ParleyException extends RuntimeException {
    private final ErrorCode code;
    private final Integer retryAfterSeconds;

    public ParleyException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ParleyException(ErrorCode code, String message, Integer retryAfterSeconds, Throwable cause) {
        super(message, cause, false, cause != null);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@return the client-visible code} */
    public ErrorCode code() { return code; }

    /** {@return seconds after which a retry may succeed, or null} */
    public Integer retryAfterSeconds() { return retryAfterSeconds; }

    public static ParleyException invalid(String message) { return new ParleyException(ErrorCode.INVALID, message); }
    public static ParleyException forbidden(String message) { return new ParleyException(ErrorCode.FORBIDDEN, message); }
    public static ParleyException notFound(String message) { return new ParleyException(ErrorCode.NOT_FOUND, message); }
    public static ParleyException conflict(String message) { return new ParleyException(ErrorCode.CONFLICT, message); }
    public static ParleyException unauthorized(String message) { return new ParleyException(ErrorCode.UNAUTHORIZED, message); }
    public static ParleyException unavailable(String message, int retryAfter, Throwable cause) {
        return new ParleyException(ErrorCode.UNAVAILABLE, message, retryAfter, cause);
    }
}
