package io.parley.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.parley.server.crypto.Base64Url;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Deque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A push service for tests (RFC 8030's role), on an ephemeral loopback port: it hands out endpoints for
 * browser-like subscriptions, and for every POST it checks what a real push service and browser would — the
 * VAPID token's ES256 signature against the key in the header, its {@code aud} (this origin), {@code exp}
 * (future, at most 24 h away) and {@code sub} — then decrypts the body with the subscription's private key and
 * auth secret. Answers are scripted: {@link #respond} queues statuses, else {@link #defaultStatus}.
 */
public final class FakePushService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request as received.
     *
     * @param status what it was answered
     * @param vapidKey the {@code k} of the Authorization header
     * @param payload the decrypted body parsed as JSON, or null if it did not decrypt
     * @param problems what a real push service or browser would reject (empty when all is well)
     */
    public record Received(String path, int status, Map<String, String> headers, String vapidKey, JsonNode payload,
                           List<String> problems, Instant at) {
        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    private final HttpServer server;
    private final String origin;
    private final Map<String, BrowserKeys> subscribers = new ConcurrentHashMap<>();
    private final Deque<Integer> scripted = new ConcurrentLinkedDeque<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int defaultStatus = 201;

    private FakePushService(HttpServer server) {
        this.server = server;
        this.origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public static FakePushService start() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakePushService f = new FakePushService(s);
        s.createContext("/push/", f::handle);
        s.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        return f;
    }

    /** {@return a new endpoint URL whose messages are decrypted with {@code keys}} */
    public String endpointFor(BrowserKeys keys) {
        String path = "/push/" + UUID.randomUUID();
        subscribers.put(path, keys);
        return origin + path;
    }

    /** The next requests are answered with these statuses, in order. */
    public void respond(int... statuses) {
        for (int s : statuses) scripted.add(s);
    }

    /** Requests beyond the scripted ones are answered with {@code status}. */
    public void defaultStatus(int status) {
        this.defaultStatus = status;
    }

    /** {@return the next request received, waiting up to {@code timeout}} @throws AssertionError if none came */
    public Received next(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) throw new AssertionError("no push request within " + timeout);
        return r;
    }

    /** {@return the next request if one comes within {@code timeout}, else null} */
    public Received poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Integer s = scripted.poll();
            int status = s == null ? defaultStatus : s;
            Map<String, String> headers = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            List<String> problems = new ArrayList<>();
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("POST")) problems.add("method " + ex.getRequestMethod());
            if (!"aes128gcm".equals(headers.get("content-encoding"))) problems.add("Content-Encoding " + headers.get("content-encoding"));
            String ttl = headers.get("ttl");
            if (ttl == null || !ttl.matches("\\d+")) problems.add("TTL " + ttl);
            String urgency = headers.get("urgency");
            if (urgency != null && !List.of("very-low", "low", "normal", "high").contains(urgency)) problems.add("Urgency " + urgency);
            String vapidKey = checkVapid(headers.get("authorization"), problems);
            JsonNode payload = null;
            BrowserKeys keys = subscribers.get(path);
            if (keys == null) {
                problems.add("unknown endpoint " + path);
            } else {
                try {
                    payload = JSON.readTree(keys.decrypt(body));
                } catch (Exception e) {
                    problems.add("does not decrypt: " + e);
                }
            }
            requests.incrementAndGet();
            received.add(new Received(path, status, Map.copyOf(headers), vapidKey, payload, List.copyOf(problems), Instant.now()));
            ex.sendResponseHeaders(status, -1);
        }
    }

    /** Verifies {@code vapid t=<jwt>, k=<key>} as RFC 8292 says; {@return k} */
    private String checkVapid(String authorization, List<String> problems) {
        if (authorization == null || !authorization.startsWith("vapid ")) {
            problems.add("Authorization is not vapid: " + authorization);
            return null;
        }
        String t = null;
        String k = null;
        for (String part : authorization.substring(6).split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) t = p.substring(2);
            if (p.startsWith("k=")) k = p.substring(2);
        }
        if (t == null || k == null) {
            problems.add("vapid without t or k");
            return k;
        }
        try {
            String[] jwt = t.split("\\.");
            if (jwt.length != 3) throw new IllegalArgumentException("not a JWS");
            JsonNode header = JSON.readTree(Base64Url.decode(jwt[0]));
            JsonNode claims = JSON.readTree(Base64Url.decode(jwt[1]));
            if (!"ES256".equals(header.path("alg").asText())) problems.add("alg " + header.path("alg"));
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(P256.publicKey(Base64Url.decode(k)));
            v.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            byte[] sig = Base64Url.decode(jwt[2]);
            if (sig.length != 64 || !v.verify(sig)) problems.add("bad VAPID signature");
            if (!origin.equals(claims.path("aud").asText())) problems.add("aud " + claims.path("aud") + " is not " + origin);
            long exp = claims.path("exp").asLong(0);
            long now = Instant.now().getEpochSecond();
            if (exp <= now || exp > now + Duration.ofHours(24).toSeconds()) problems.add("exp " + exp + " out of range");
            if (!claims.path("sub").asText("").startsWith("mailto:")) problems.add("sub " + claims.path("sub"));
        } catch (Exception e) {
            problems.add("VAPID token unreadable: " + e);
        }
        return k;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
