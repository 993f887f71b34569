package io.parley.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.Await;
import io.parley.server.Http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady send load over real WebSockets: {@code n} connections, each pipelining up to {@code window}
 * {@code message.send} frames and round-robin over the given chats. Every {@code ack{status:"ok"}} is
 * recorded; that list is the promise the server made, which the tests hold it to after a crash.
 */
final class Load implements AutoCloseable {
    record Acked(UUID clientId, UUID chatId, UUID messageId, long seq) {}

    /** A send answered with an error: its content, the code, and when it was sent ({@link System#nanoTime()}). */
    record Refused(UUID clientId, String content, String code, long sentNanos) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Refused> refused = new ConcurrentLinkedQueue<>();
    private final List<Sender> senders = new ArrayList<>();
    private volatile boolean running = true;

    Load(String wsUrl, String token, List<UUID> chats, int connections, int window) {
        this(wsUrl, token, chats, connections, window, 0);
    }

    /** A paced load: {@code perSecond} sends a second over all connections (0: as fast as the window allows). */
    Load(String wsUrl, String token, List<UUID> chats, int connections, int window, int perSecond) {
        long gap = perSecond <= 0 ? 0 : 1_000_000_000L * connections / perSecond;
        for (int i = 0; i < connections; i++) senders.add(new Sender(i, wsUrl, token, chats, window, gap));
        for (Sender s : senders) s.thread.start();
    }

    int ackCount() { return acked.size(); }

    /** {@return whether any of its connections is still open} */
    boolean open() {
        for (Sender s : senders) if (!s.closed.isDone()) return true;
        return false;
    }

    /** {@return the sends not answered yet} */
    int inFlight() {
        int n = 0;
        for (Sender s : senders) n += s.chatOf.size();
        return n;
    }

    List<Acked> acked() { return List.copyOf(acked); }

    /** {@return every send answered with an error, in the order the errors came} */
    List<Refused> refused() { return List.copyOf(refused); }

    Map<String, Integer> errors() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Waits until at least {@code n} acks were recorded. */
    void awaitAcks(int n, Duration timeout) throws InterruptedException {
        try {
            Await.until(timeout, n + " acks", () -> acked.size() >= n);
        } catch (AssertionError e) {
            throw new AssertionError("only " + acked.size() + " of " + n + " acks within " + timeout + "; errors " + errors(), e);
        }
    }

    /** {@return the close code each connection got from the server, waiting up to the timeout for each} */
    List<Integer> closeCodes(Duration timeout) {
        List<Integer> codes = new ArrayList<>();
        for (Sender s : senders) {
            try {
                codes.add(s.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                codes.add(null);
            }
        }
        return codes;
    }

    /** Stops sending (frames in flight may still be acked until the sockets close). */
    void stop() throws InterruptedException {
        running = false;
        for (Sender s : senders) s.thread.join(5_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        for (Sender s : senders) s.ws.abort();
    }

    private final class Sender implements WebSocket.Listener {
        final Thread thread;
        final WebSocket ws;
        final Semaphore window;
        final List<UUID> chats;
        final Map<UUID, UUID> chatOf = new ConcurrentHashMap<>(); // client id → chat, for frames in flight
        final Map<UUID, String> contentOf = new ConcurrentHashMap<>();
        final Map<UUID, Long> sentAt = new ConcurrentHashMap<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();

        final long gapNanos;

        Sender(int index, String url, String token, List<UUID> chats, int window, long gapNanos) {
            this.chats = chats;
            this.gapNanos = gapNanos;
            this.window = new Semaphore(window);
            this.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(url), this).orTimeout(10, TimeUnit.SECONDS).join();
            this.thread = Thread.ofPlatform().daemon(true).name("load-" + index).unstarted(this::run);
        }

        void run() {
            long n = 0;
            long next = System.nanoTime();
            while (running && !closed.isDone()) {
                if (gapNanos > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    next = Math.max(next + gapNanos, System.nanoTime() - 10 * gapNanos); // catch up a little after a stall, not in a burst
                }
                try {
                    if (!window.tryAcquire(200, TimeUnit.MILLISECONDS)) continue;
                } catch (InterruptedException e) {
                    return;
                }
                UUID chat = chats.get((int) (n++ % chats.size()));
                UUID id = UUID.randomUUID();
                ObjectNode f = Http.JSON.createObjectNode().put("type", "message.send").put("id", id.toString())
                        .put("timestamp", Instant.now().toString());
                String content = "load " + thread.getName() + " #" + n;
                f.putObject("payload").put("chatId", chat.toString()).put("content", content);
                contentOf.put(id, content);
                sentAt.put(id, System.nanoTime());
                chatOf.put(id, chat);
                try {
                    ws.sendText(f.toString(), true).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return; // the server went away: this is expected in the chaos tests
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                onFrame(text.toString());
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        private void onFrame(String raw) {
            JsonNode f;
            try {
                f = Http.JSON.readTree(raw);
            } catch (Exception e) {
                errors.computeIfAbsent("unparseable", k -> new AtomicInteger()).incrementAndGet();
                return;
            }
            String type = f.path("type").asText();
            JsonNode p = f.path("payload");
            if (!p.hasNonNull("refId")) return;
            UUID ref = UUID.fromString(p.path("refId").asText());
            if (chatOf.remove(ref) == null) return; // not one of our sends
            String content = contentOf.remove(ref);
            Long sent = sentAt.remove(ref);
            if ("ack".equals(type) && "ok".equals(p.path("status").asText())) {
                acked.add(new Acked(ref, UUID.fromString(p.path("chatId").asText()),
                        UUID.fromString(p.path("messageId").asText()), p.path("seq").asLong()));
            } else {
                errors.computeIfAbsent(type + ":" + p.path("code").asText(), k -> new AtomicInteger()).incrementAndGet();
                refused.add(new Refused(ref, content, p.path("code").asText(), sent == null ? 0 : sent));
            }
            window.release();
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
    }
}
