package io.parley.core.protocol;

/**
 * WebSocket close codes Parley uses. 4000–4499: the client should reconnect (with backoff).
 * 4500–4999: it should not, until the cause is fixed (sign in again, upgrade, …). 1009 is the
 * standard "message too big".
 */
public enum CloseCode {
    /** The server is shutting down or draining: reconnect (to another node). */
    GOING_AWAY(4000, "server shutting down; reconnect", true),
    /** No frame for 90 s. */
    HEARTBEAT_TIMEOUT(4001, "heartbeat timeout", true),
    /** No application traffic for 5 minutes. */
    IDLE_TIMEOUT(4002, "idle timeout", true),
    /** The client could not keep up with its outbound queue. */
    TOO_SLOW(4008, "client too slow; reconnect and sync", true),
    /** The frame was larger than the limit. */
    FRAME_TOO_LARGE(1009, "frame too large", true),
    /** The token expired and was not renewed, or the session was revoked. */
    UNAUTHORIZED(4501, "session ended; sign in again", false),
    /** The protocol version is not supported. */
    UPGRADE_REQUIRED(4502, "protocol version not supported; upgrade the client", false),
    /** A newer connection of the same user replaced this one (the per-user limit). */
    REPLACED(4503, "too many connections; replaced by a newer one", false);

    private final int code;
    private final String reason;
    private final boolean reconnect;

    CloseCode(int code, String reason, boolean reconnect) {
        this.code = code;
        this.reason = reason;
        this.reconnect = reconnect;
    }

    /** {@return the numeric close code} */
    public int code() { return code; }

    /** {@return the close reason sent with the code} */
    public String reason() { return reason; }

    /** {@return whether a client should reconnect after this close} */
    public boolean reconnect() { return reconnect; }
}
