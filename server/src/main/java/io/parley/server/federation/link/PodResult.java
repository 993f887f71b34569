package io.parley.server.federation.link;

import io.parley.core.pod.Failure;

import java.time.Duration;

/** How a pod-to-pod call ended: an answer whose signature verified, or a failure of one of the kinds health counts. */
public sealed interface PodResult {
    /** {@return how long the call took} */
    Duration latency();

    /** A 2xx from the peer, its reply signature verified. */
    record Ok(int status, byte[] body, Duration latency) implements PodResult {
        /** {@return the body as {@code type} (unknown fields ignored)} @throws io.parley.core.error.ParleyException INVALID */
        public <T> T json(Class<T> type) { return PodRoutes.parse(body, type); }
    }

    /**
     * No usable answer.
     *
     * @param kind what went wrong: REFUSED (no connection), TIMEOUT, ERROR (5xx, unreadable or unsigned answer),
     *     REJECTED (the peer refused the request with a 4xx, or its reply signature did not verify)
     * @param status the HTTP status if the peer answered, else 0
     * @param code the error code the peer gave ({@code bad_signature}, …), or null
     * @param message what happened, for logs (never a body)
     */
    record Failed(Failure kind, int status, String code, String message, Duration latency) implements PodResult {}

    /** {@return whether this is an {@link Ok}} */
    default boolean ok() { return this instanceof Ok; }
}
