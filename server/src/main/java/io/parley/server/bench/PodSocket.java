package io.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One user's WebSocket for {@code bench pods}: sends {@code message.send} frames pipelined up to a window and
 * counts the acks and errors; hands every {@code message.new} it receives, with its arrival time, to a listener.
 */
final class PodSocket implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebSocket ws;
    private final Semaphore window;
    private final int windowSize;
    private final Consumer<Arrival> onMessage;
    private final StringBuilder text = new StringBuilder();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    /** When set, each ok ack's send→ack time in nanoseconds goes to it (sends are timed only then). */
    private volatile LongConsumer ackTimes;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

    /** A delivered message: its payload and System.nanoTime() at arrival. */
    record Arrival(JsonNode payload, long nanos) {}

    PodSocket(HttpClient http, String wsUrl, String token, int window, Consumer<Arrival> onMessage) {
        this.window = new Semaphore(window);
        this.windowSize = window;
        this.onMessage = onMessage;
        this.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(wsUrl), this).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Times every send from now on, from just before it is written to its ack; null stops. */
    void timeAcks(LongConsumer nanos) {
        this.ackTimes = nanos;
    }

    /** Sends one message, waiting for room in the window. */
    void send(String chatId, String content) throws InterruptedException {
        window.acquire();
        String id = UUID.randomUUID().toString();
        ObjectNode f = JSON.createObjectNode().put("type", "message.send").put("id", id);
        f.putObject("payload").put("chatId", chatId).put("content", content);
        if (ackTimes != null) sentAt.put(id, System.nanoTime());
        ws.sendText(f.toString(), true).join();
    }

    /** Waits until every send was answered. */
    void drain(Duration timeout) throws InterruptedException {
        int permits = windowSize;
        if (!window.tryAcquire(permits, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sends unanswered after " + timeout);
        }
        window.release(permits);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            long now = System.nanoTime();
            String raw = text.toString();
            text.setLength(0);
            onFrame(raw, now);
        }
        w.request(1);
        return null;
    }

    private void onFrame(String raw, long now) {
        JsonNode f;
        try {
            f = JSON.readTree(raw);
        } catch (Exception e) {
            errors.incrementAndGet();
            return;
        }
        String type = f.path("type").asText();
        JsonNode p = f.path("payload");
        switch (type) {
            case "ack" -> {
                if (p.hasNonNull("refId")) {
                    Long sent = sentAt.remove(p.path("refId").asText());
                    if ("ok".equals(p.path("status").asText())) {
                        acked.incrementAndGet();
                        LongConsumer times = ackTimes;
                        if (sent != null && times != null) times.accept(now - sent);
                    } else {
                        errors.incrementAndGet();
                    }
                    window.release();
                }
            }
            case "error" -> {
                if (p.hasNonNull("refId")) {
                    sentAt.remove(p.path("refId").asText());
                    errors.incrementAndGet();
                    window.release();
                }
            }
            case "message.new" -> {
                if (onMessage != null) onMessage.accept(new Arrival(p, now));
            }
            default -> { } // hello, presence and the like
        }
    }

    @Override
    public void close() {
        ws.abort();
    }
}
