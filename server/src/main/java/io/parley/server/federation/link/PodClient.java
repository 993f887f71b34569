package io.parley.server.federation.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.pod.Failure;
import io.parley.core.pod.HealthManager;
import io.parley.server.http.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;

/**
 * Sends signed JSON to other pods and checks their signed replies ({@link Signing}), over the JDK's HTTP client
 * (HTTP/1.1, a connect timeout and a per-call deadline, virtual threads). Every call to a linked peer ends in a
 * {@link PodResult} and is reported to the {@link HealthManager}: success with its latency, or the failure's kind,
 * under the route the caller names ({@link #DIRECT} unless it relays). Never throws for a network problem.
 *
 * <p>Pod links do not go through the server's outbound gate ({@link io.parley.server.outbound.OutboundPolicy}) on
 * purpose: a peer's URL is set by admins through a peering invitation, never by members, and pods often live on
 * private networks that the gate's address checks would refuse. This client bounds itself instead: a connect timeout,
 * a deadline per call, downloads capped at the size the caller expects, redirects not followed, TLS pins per peer.
 * <pre>{@code
 *   PodResult r = federation.client().send("pod-b", "/pod/v1/channels/events", batch);
 *   if (r instanceof PodResult.Ok ok) { Ack a = ok.json(Ack.class); ... }
 * }</pre>
 */
public final class PodClient implements AutoCloseable {
    /** The route name of a call straight to the peer. */
    public static final String DIRECT = "direct";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** Whose health a call counts for, and under which route; {@link #NONE} for calls to a pod not linked yet. */
    public record Report(String peer, String route) {
        public static final Report NONE = new Report(null, null);
    }

    private final PodIdentity me;
    private final Clock clock;
    private final HealthManager health;
    private final PeerDirectory peers;
    private final Duration timeout;
    private final java.util.concurrent.ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    /**
     * @param clock this pod's clock for timestamps (with the {@code pod.clock_offset} knob applied)
     * @param timeout the deadline of a call that names none
     */
    PodClient(PodIdentity me, Clock clock, HealthManager health, PeerDirectory peers, Duration timeout) {
        this.me = me;
        this.clock = clock;
        this.health = health;
        this.peers = peers;
        this.timeout = timeout;
        this.http = builder().build();
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor);
    }

    /** One client per pinned peer (its own TLS context and connections), made on first use. */
    private final java.util.Map<String, HttpClient> pinned = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@return the client for this address: pinned to its TLS key if it has a pin} */
    private HttpClient http(PeerAddress to) {
        if (to.tlsPin() == null) return http;
        if (!to.url().startsWith("https://")) throw new IllegalArgumentException("a TLS pin needs an https URL");
        return pinned.computeIfAbsent(to.id() + "\n" + to.tlsPin(), k -> builder().sslContext(TlsPin.context(to.id(), to.tlsPin())).build());
    }

    /** Sends to a linked peer and waits; {@return the result} (REJECTED with code {@code unknown_pod} if not linked) */
    public PodResult send(String peerId, String path, Object body) {
        return sendAsync(peerId, path, body).join();
    }

    /** Sends to a linked peer with the default deadline, reporting under {@link #DIRECT}. */
    public CompletableFuture<PodResult> sendAsync(String peerId, String path, Object body) {
        Optional<Peer> peer = peers.find(peerId);
        if (peer.isEmpty()) {
            return CompletableFuture.completedFuture(new PodResult.Failed(Failure.REJECTED, 0, "unknown_pod",
                    "pod '" + peerId + "' is not linked", Duration.ZERO));
        }
        return sendAsync(peer.get().address(), path, json(body), timeout, new Report(peerId, DIRECT));
    }

    /**
     * The general form: sends {@code jsonBody} to any pod address (a relay, an inviter not linked yet) with its own
     * deadline, and reports the outcome as {@code report} says ({@link Report#NONE}: not at all).
     */
    public CompletableFuture<PodResult> sendAsync(PeerAddress to, String path, byte[] jsonBody, Duration deadline, Report report) {
        if (!path.startsWith(PodRoutes.PREFIX)) throw new IllegalArgumentException("pod paths start with " + PodRoutes.PREFIX);
        String nonce = Signing.nonce();
        HttpRequest request = signed(to, path, jsonBody, deadline, nonce);
        long start = System.nanoTime();
        CompletableFuture<PodResult> result;
        try {
            result = http(to).sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .handle((response, error) -> outcome(to, nonce, response, error, Duration.ofNanos(System.nanoTime() - start)));
        } catch (IllegalArgumentException e) {
            result = CompletableFuture.completedFuture(new PodResult.Failed(Failure.ERROR, 0, null, "bad peer URL", Duration.ZERO));
        }
        return result.thenApply(r -> report(report, r));
    }

    private HttpRequest signed(PeerAddress to, String path, byte[] jsonBody, Duration deadline, String nonce) {
        long timestamp = clock.millis();
        byte[] signature = me.sign(Signing.request("POST", path, jsonBody, timestamp, nonce, to.id()));
        return HttpRequest.newBuilder(URI.create(to.url() + path))
                .timeout(deadline)
                .header("Content-Type", "application/json")
                .header(Signing.POD, me.id())
                .header(Signing.TIMESTAMP, Long.toString(timestamp))
                .header(Signing.NONCE, nonce)
                .header(Signing.SIGNATURE, Ed25519.b64(signature))
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonBody))
                .build();
    }

    /**
     * Sends to a linked peer and writes a successful answer's bytes to {@code into} as they arrive, at most
     * {@code maxBytes} of them, never holding them whole (a file's bytes). Blocks; not reported to the health manager.
     * {@return Ok (with an empty body) only when the reply's signature holds for the bytes received and their SHA-256 is
     * {@code expectedSha256}; otherwise Failed: {@code too_large}, {@code bad_signature}, {@code other_bytes}, or the
     * peer's refusal} {@code into} is left with whatever arrived; the caller deletes it.
     */
    public PodResult download(String peerId, String path, Object body, long maxBytes, String expectedSha256, Duration deadline,
                              java.nio.file.Path into) {
        Optional<Peer> peer = peers.find(peerId);
        if (peer.isEmpty()) {
            return new PodResult.Failed(Failure.REJECTED, 0, "unknown_pod", "pod '" + peerId + "' is not linked", Duration.ZERO);
        }
        if (!path.startsWith(PodRoutes.PREFIX)) throw new IllegalArgumentException("pod paths start with " + PodRoutes.PREFIX);
        PeerAddress to = peer.get().address();
        String nonce = Signing.nonce();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response;
        try {
            response = http(to).send(signed(to, path, json(body), deadline, nonce), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return outcome(to, nonce, null, e, Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PodResult.Failed(Failure.ERROR, 0, null, "interrupted", Duration.ZERO);
        } catch (IllegalArgumentException e) {
            return new PodResult.Failed(Failure.ERROR, 0, null, "bad peer URL", Duration.ZERO);
        }
        int status = response.statusCode();
        if (status < 200 || status >= 300) { // a refusal: a small JSON error, read like any other reply
            byte[] error;
            try (java.io.InputStream in = response.body()) {
                error = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                return outcome(to, nonce, null, e, Duration.ofNanos(System.nanoTime() - start));
            }
            return outcome(to, nonce, new Buffered(response, error), null, Duration.ofNanos(System.nanoTime() - start));
        }
        java.security.MessageDigest sha = Signing.sha256Digest();
        long received = 0;
        // The request's timeout covers the headers only: a peer that stalls in the body is cut off at the deadline
        // (closing the body stream wakes a blocked read), or a download could hold its reader for ever.
        java.io.InputStream stream = response.body();
        long left = Math.max(1, deadline.toMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis());
        var finished = new java.util.concurrent.atomic.AtomicBoolean(); // claimed by the copy's end or by the deadline, first come
        CompletableFuture.delayedExecutor(left, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
            if (!finished.compareAndSet(false, true)) return;
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        });
        try (java.io.InputStream in = stream;
             java.io.OutputStream out = java.nio.file.Files.newOutputStream(into)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                received += n;
                if (received > maxBytes) {
                    return new PodResult.Failed(Failure.REJECTED, status, "too_large", "pod '" + peerId + "' sent more than "
                            + maxBytes + " bytes", Duration.ofNanos(System.nanoTime() - start));
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (!finished.compareAndSet(false, true)) return lateBody(status, start);
            return outcome(to, nonce, null, e, Duration.ofNanos(System.nanoTime() - start));
        }
        if (!finished.compareAndSet(false, true)) return lateBody(status, start); // the deadline cut the body short
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        String digest = java.util.HexFormat.of().formatHex(sha.digest());
        if (!verifyReply(to, response, Signing.replyOfDigest(status, digest, nonce, me.id()))) {
            return new PodResult.Failed(Failure.REJECTED, status, "bad_signature", "the reply is not signed by pod '" + to.id() + "'", latency);
        }
        if (!digest.equals(expectedSha256)) {
            return new PodResult.Failed(Failure.REJECTED, status, "other_bytes", "pod '" + to.id() + "' sent other bytes than asked for", latency);
        }
        return new PodResult.Ok(status, new byte[0], latency);
    }

    private static PodResult lateBody(int status, long start) {
        return new PodResult.Failed(Failure.TIMEOUT, status, null, "the file did not arrive in time", Duration.ofNanos(System.nanoTime() - start));
    }

    /** A response whose streamed body was read (bounded) into memory: a refusal of a download. */
    private record Buffered(HttpResponse<java.io.InputStream> r, byte[] body) implements HttpResponse<byte[]> {
        @Override public int statusCode() { return r.statusCode(); }
        @Override public HttpRequest request() { return r.request(); }
        @Override public Optional<HttpResponse<byte[]>> previousResponse() { return Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return r.headers(); }
        @Override public Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
        @Override public URI uri() { return r.uri(); }
        @Override public HttpClient.Version version() { return r.version(); }
    }

    private PodResult outcome(PeerAddress to, String nonce, HttpResponse<byte[]> response, Throwable error, Duration latency) {
        if (error != null) {
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (e instanceof HttpConnectTimeoutException) return new PodResult.Failed(Failure.TIMEOUT, 0, null, "connect timed out", latency);
            if (e instanceof HttpTimeoutException) return new PodResult.Failed(Failure.TIMEOUT, 0, null, "no answer in time", latency);
            if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
                return new PodResult.Failed(Failure.REFUSED, 0, null, "connection refused", latency);
            }
            return new PodResult.Failed(Failure.ERROR, 0, null, e.getClass().getSimpleName() + ": " + e.getMessage(), latency);
        }
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        boolean signed = verifyReply(to, response, Signing.reply(response.statusCode(), body, nonce, me.id()));
        if (status >= 200 && status < 300) {
            if (!signed) return new PodResult.Failed(Failure.REJECTED, status, "bad_signature", "the reply is not signed by pod '" + to.id() + "'", latency);
            return new PodResult.Ok(status, body, latency);
        }
        String code = errorCode(body);
        Failure kind = status >= 400 && status < 500 ? Failure.REJECTED : Failure.ERROR;
        return new PodResult.Failed(kind, status, code, "pod '" + to.id() + "' answered " + status + (code == null ? "" : " " + code), latency);
    }

    /** {@return whether the reply is signed by the pod asked, over {@code signed} (what a reply of its status and body signs)} */
    private static boolean verifyReply(PeerAddress to, HttpResponse<?> response, byte[] signed) {
        String pod = response.headers().firstValue(Signing.POD).orElse(null);
        String sig = response.headers().firstValue(Signing.SIGNATURE).orElse(null);
        if (!to.id().equals(pod) || sig == null) return false;
        try {
            return Ed25519.verify(to.key(), signed, Ed25519.unb64(sig));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String errorCode(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            JsonNode code = n == null ? null : n.path("error").path("code");
            return code != null && code.isTextual() ? code.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private PodResult report(Report report, PodResult r) {
        if (report.peer() == null) return r;
        switch (r) {
            case PodResult.Ok ok -> health.recordSuccess(report.peer(), report.route(), ok.latency());
            case PodResult.Failed f -> health.recordFailure(report.peer(), report.route(), f.kind());
        }
        return r;
    }

    /** {@return the value as JSON bytes} */
    public static byte[] json(Object body) {
        if (body instanceof byte[] bytes) return bytes;
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable: " + body.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
        executor.shutdownNow();
    }
}
