package io.parley.server.federation.link;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.http.HttpRequest;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a signed pod request, cheapest test first: the headers are there and well-formed, the sender is known
 * (its key found), the timestamp is within {@code pod.request_window} of this pod's clock, the signature verifies,
 * and — only then, so unauthenticated traffic writes nothing — the nonce was not seen before. The nonce is kept in
 * the database until its request could no longer pass the timestamp test ({@code 2 × window}: the sender's clock
 * may be a window ahead), so a replay is refused by every node of the pod. Each refusal is a 401 with its own code
 * and counts in {@code parley_pod_requests_rejected_total{reason}}.
 */
public final class InboundAuth {
    private static final int MAX_HEADER = 200;

    private final String self;
    private final PodStore store;
    private final Clock clock;
    private final Duration window;
    private final Map<ErrorCode, Counter> rejected = new EnumMap<>(ErrorCode.class);

    InboundAuth(String self, PodStore store, Clock clock, Duration window, MeterRegistry registry) {
        this.self = self;
        this.store = store;
        this.clock = clock;
        this.window = window;
        for (ErrorCode c : new ErrorCode[]{ErrorCode.UNKNOWN_POD, ErrorCode.BAD_SIGNATURE, ErrorCode.STALE_REQUEST,
                ErrorCode.REPLAYED_REQUEST, ErrorCode.INVALID_INVITATION, ErrorCode.EXPIRED_INVITATION, ErrorCode.POD_ID_CONFLICT}) {
            rejected.put(c, Counter.builder("parley_pod_requests_rejected").description("pod-to-pod requests refused, by reason")
                    .tag("reason", c.wire()).register(registry));
        }
    }

    /** The signed headers of a request. */
    record Signed(String pod, long timestamp, String nonce, byte[] signature) {}

    /** {@return the request's signed headers} @throws ParleyException BAD_SIGNATURE if one is missing or malformed */
    Signed headers(HttpRequest request) {
        String pod = request.header(Signing.POD);
        String ts = request.header(Signing.TIMESTAMP);
        String nonce = request.header(Signing.NONCE);
        String sig = request.header(Signing.SIGNATURE);
        if (pod == null || ts == null || nonce == null || sig == null) {
            throw reject(ErrorCode.BAD_SIGNATURE, "unsigned request: Parley-Pod, Parley-Timestamp, Parley-Nonce and Parley-Signature are required");
        }
        if (pod.length() > 63 || ts.length() > 20 || nonce.length() < 16 || nonce.length() > 64 || sig.length() > MAX_HEADER
                || !ts.matches("\\d{1,19}") || !nonce.matches("[A-Za-z0-9_-]+")) {
            throw reject(ErrorCode.BAD_SIGNATURE, "malformed signature headers");
        }
        try {
            return new Signed(pod, Long.parseLong(ts), nonce, Ed25519.unb64(sig));
        } catch (IllegalArgumentException e) {
            throw reject(ErrorCode.BAD_SIGNATURE, "malformed signature headers");
        }
    }

    /**
     * Verifies a request from a linked peer. {@return the sender's id}
     *
     * @param keyOf the linked peers' keys by pod id
     */
    String verifyLinked(HttpRequest request, Function<String, Optional<PublicKey>> keyOf) {
        Signed s = headers(request);
        PublicKey key = keyOf.apply(s.pod()).orElseThrow(() -> reject(ErrorCode.UNKNOWN_POD, "pod '" + s.pod() + "' is not linked to this pod"));
        verify(request, s, key);
        return s.pod();
    }

    /** Verifies a request signed by the key it presents itself (the peering call). */
    void verifyWith(HttpRequest request, Signed s, PublicKey key) {
        verify(request, s, key);
    }

    private void verify(HttpRequest request, Signed s, PublicKey key) {
        Instant now = clock.instant();
        long skewMs = Math.abs(now.toEpochMilli() - s.timestamp());
        if (skewMs > window.toMillis()) {
            throw reject(ErrorCode.STALE_REQUEST, "the request's timestamp is " + skewMs + " ms away from this pod's clock (window "
                    + window.toMillis() + " ms)");
        }
        byte[] signed = Signing.request(request.method(), request.path(), request.body(), s.timestamp(), s.nonce(), self);
        if (!Ed25519.verify(key, signed, s.signature())) {
            throw reject(ErrorCode.BAD_SIGNATURE, "the signature does not verify with pod '" + s.pod() + "'s key");
        }
        if (!store.rememberNonce(s.pod(), s.nonce(), now.plus(window.multipliedBy(2)))) {
            throw reject(ErrorCode.REPLAYED_REQUEST, "this request's nonce was already used");
        }
    }

    /** Counts a refusal and {@return the exception to throw} */
    ParleyException reject(ErrorCode code, String message) {
        Counter c = rejected.get(code);
        if (c != null) c.increment();
        return new ParleyException(code, message);
    }
}
