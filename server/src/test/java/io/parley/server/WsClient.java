package io.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) for end-to-end tests. Received frames are queued; tests wait
 * for a matching one with a deadline. Records the close code when the server closes.
 */
public final class WsClient implements AutoCloseable {
    private final WebSocket ws;
    private final LinkedBlockingDeque<JsonNode> frames = new LinkedBlockingDeque<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsClient(String url, String token, javax.net.ssl.SSLContext tls) {
        StringBuilder text = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        frames.add(Http.JSON.readTree(text.toString()));
                    } catch (Exception e) {
                        frames.add(Http.JSON.createObjectNode().put("type", "unparseable").put("raw", text.toString()));
                    }
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.complete(-1);
            }
        };
        HttpClient client = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
        var builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) builder.header("Authorization", "Bearer " + token);
        this.ws = builder.buildAsync(URI.create(url), listener).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Connects with a bearer token in the Authorization header. */
    public static WsClient connect(String url, String token) {
        return new WsClient(url, token, null);
    }

    /** Connects to a {@code wss://} URL trusting what this TLS context trusts (a test CA), host names verified. */
    public static WsClient connect(String url, String token, javax.net.ssl.SSLContext tls) {
        return new WsClient(url, token, tls);
    }

    /** Sends a frame {@code {type, id, timestamp, payload}}; {@return the id used} */
    public UUID send(String type, ObjectNode payload) {
        UUID id = UUID.randomUUID();
        send(type, id, payload);
        return id;
    }

    public void send(String type, UUID id, ObjectNode payload) {
        ObjectNode f = Http.JSON.createObjectNode();
        f.put("type", type);
        f.put("id", id.toString());
        f.put("timestamp", java.time.Instant.now().toString());
        f.set("payload", payload);
        sendRaw(f.toString());
    }

    public void sendRaw(String text) {
        ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** {@return the first queued frame matching, waiting up to the timeout} @throws AssertionError on timeout */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> skipped = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no matching frame within " + timeout + "; saw " + skipped);
                }
                if (match.test(f)) {
                    for (int i = skipped.size() - 1; i >= 0; i--) frames.addFirst(skipped.get(i));
                    return f;
                }
                skipped.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode await(Predicate<JsonNode> match) {
        return await(match, Duration.ofSeconds(10));
    }

    /** {@return the first frame of a type} */
    public JsonNode awaitType(String type) {
        return await(f -> type.equals(f.path("type").asText()));
    }

    /** {@return the ack or error answering a frame id} */
    public JsonNode awaitReply(UUID refId) {
        return await(f -> refId.toString().equals(f.path("payload").path("refId").asText())
                && ("ack".equals(f.path("type").asText()) || "error".equals(f.path("type").asText())));
    }

    /**
     * Asserts that no frame matching {@code unwanted} arrived: pings, and fails if such a frame comes before the pong.
     * The server writes a connection's frames in order, so the pong is the signal that anything sent before it has
     * had its chance to arrive (no fixed wait).
     */
    public void assertNothing(Predicate<JsonNode> unwanted) {
        UUID ping = send("ping", payload());
        JsonNode f = await(x -> unwanted.test(x) || ("pong".equals(x.path("type").asText())
                && ping.toString().equals(x.path("payload").path("refId").asText())));
        if (!"pong".equals(f.path("type").asText())) throw new AssertionError("unexpected frame " + f);
    }

    /** {@return a copy of the frames received and not yet consumed} */
    public List<JsonNode> queued() {
        return List.copyOf(frames);
    }


    /** {@return the close code, waiting up to the timeout} */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).join();
            } catch (RuntimeException ignored) {
                ws.abort();
            }
        }
    }

    public static ObjectNode payload() {
        return Http.JSON.createObjectNode();
    }
}
