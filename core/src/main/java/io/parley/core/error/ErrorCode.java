package io.parley.core.error;

/**
 * The closed set of error codes clients see, on the WebSocket ({@code error.code}) and over
 * REST ({@code {"error":{"code":…}}}). Each knows its HTTP status and whether retrying the
 * same request later may succeed ({@link #temporary()}).
 */
public enum ErrorCode {
    /** The frame or body is not valid JSON, or not Unicode text: bytes that are not UTF-8, a string with an unpaired surrogate. */
    MALFORMED("malformed", 400, false),
    /** The frame's {@code type} is not one Parley knows. */
    UNKNOWN_TYPE("unknown_type", 400, false),
    /** A known frame type that this server does not implement yet. */
    NOT_IMPLEMENTED("not_implemented", 501, false),
    /** A field is missing, of the wrong type, unexpected, or out of range. */
    INVALID("invalid_request", 400, false),
    /** Message content over the limit. */
    CONTENT_TOO_LONG("content_too_long", 413, false),
    /** An upload over the file size limit. */
    FILE_TOO_LARGE("file_too_large", 413, false),
    /** The workspace's file storage quota is used up. */
    QUOTA_EXCEEDED("quota_exceeded", 413, false),
    /** The virus scanner found malware in an upload; nothing was stored. */
    FILE_INFECTED("file_infected", 422, false),
    /** The virus scanner could not judge an upload (down or too slow) and such uploads are refused; retry after {@code retryAfter}. */
    SCAN_UNAVAILABLE("scan_unavailable", 503, true),
    /** A frame over the maximum frame size. */
    FRAME_TOO_LARGE("frame_too_large", 413, false),
    /** No valid credentials, or expired ones. */
    UNAUTHORIZED("unauthorized", 401, false),
    /** Authenticated, but not allowed to do this. */
    FORBIDDEN("forbidden", 403, false),
    /** The thing does not exist (or the caller may not know that it does). */
    NOT_FOUND("not_found", 404, false),
    /** Conflicts with existing state (a taken name or email, an already used invite). */
    CONFLICT("conflict", 409, false),
    /** The chat is archived and read-only. */
    ARCHIVED("chat_archived", 409, false),
    /** Too many requests; retry after {@code retryAfter} seconds. */
    RATE_LIMITED("rate_limited", 429, true),
    /** The sender's urgent messages are used up (3 per hour by default); retry after {@code retryAfter}. */
    URGENT_LIMIT("urgent_limit", 429, true),
    /** A dependency (the database) is unavailable; nothing was done; retry after {@code retryAfter}. */
    UNAVAILABLE("unavailable", 503, true),
    /** The client's protocol version is not supported. */
    UPGRADE_REQUIRED("UPGRADE_REQUIRED", 426, false),
    /** A pod-to-pod request from a pod that is not linked to this one. */
    UNKNOWN_POD("unknown_pod", 401, false),
    /** A pod-to-pod request that is unsigned, or whose signature does not verify with the sender's key. */
    BAD_SIGNATURE("bad_signature", 401, false),
    /** A pod-to-pod request whose timestamp is outside the request window ({@code pod.request_window}). */
    STALE_REQUEST("stale_request", 401, false),
    /** A pod-to-pod request whose nonce was already seen within the request window. */
    REPLAYED_REQUEST("replayed_request", 401, false),
    /** A peering invitation that cannot be decoded, is not known, or was already used. */
    INVALID_INVITATION("invalid_invitation", 400, false),
    /** A peering invitation past its expiry. */
    EXPIRED_INVITATION("expired_invitation", 410, false),
    /** A pod id that is this pod's own, or a linked peer's under another key. */
    POD_ID_CONFLICT("pod_id_conflict", 409, false),
    /** The other pod could not be reached or gave no valid signed answer; nothing was changed. */
    PEER_UNREACHABLE("peer_unreachable", 502, true),
    /** An org channel id this pod does not know (pod-to-pod org calls, and the org admin API). */
    UNKNOWN_ORG_CHANNEL("unknown_org_channel", 404, false),
    /** A replicated op or call for a resilient channel this pod was not designated a replica of. */
    NOT_DESIGNATED("not_designated", 403, false),
    /** A change of a resilient channel on a pod that is neither its primary nor its acting primary (the error names who is). */
    NOT_PRIMARY("not_primary", 409, false),
    /** Posting in a resilient channel whose primary is down, and the channel does not allow it meanwhile. */
    PRIMARY_UNAVAILABLE("primary_unavailable", 409, true),
    /**
     * A post to a resilient channel whose ack waits for replica pods ({@code ackAfterReplicas}), and not enough of them
     * held it in time. The post is committed on the primary and stays (it is delivered, and replicated when a replica
     * is back): retry with the same client id after {@code retryAfter}, and the answer is the original ack once the
     * replicas hold it.
     */
    REPLICATION_UNAVAILABLE("replication_unavailable", 503, true),
    /**
     * A URL the server would have to connect to (a push subscription's endpoint) is not https, not on the
     * allow-list, or its host is or resolves to an address the server does not connect to (loopback, private,
     * link-local, cloud metadata…); nothing was stored.
     */
    DESTINATION_NOT_ALLOWED("destination_not_allowed", 400, false),
    /** A bug on our side; nothing the client can fix. */
    INTERNAL("internal", 500, true);

    private final String wire;
    private final int httpStatus;
    private final boolean temporary;

    ErrorCode(String wire, int httpStatus, boolean temporary) {
        this.wire = wire;
        this.httpStatus = httpStatus;
        this.temporary = temporary;
    }

    /** {@return the code as written on the wire} */
    public String wire() { return wire; }

    /** {@return the HTTP status REST answers with} */
    public int httpStatus() { return httpStatus; }

    /** {@return whether the same request may succeed later} */
    public boolean temporary() { return temporary; }
}
