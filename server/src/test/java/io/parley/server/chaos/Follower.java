package io.parley.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.Http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client that only reads, the way a real one does: it connects, gap-fills every chat with {@code sync.request}
 * from the last seq it holds, then follows live events; when the server goes away it reconnects (to whatever
 * URL the supplier gives next: another node, or the load balancer) and gap-fills again. What it holds per chat
 * is what the chaos tests compare with every acknowledged message.
 */
final class Follower implements AutoCloseable {
    private final String name;
    private final Supplier<String> urls;
    private final String token;
    private final List<UUID> chats;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<UUID, Set<Long>> held = new ConcurrentHashMap<>();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> connectedTo = new CopyOnWriteArrayList<>();
    private volatile WebSocket ws;
    private volatile boolean running = true;

    Follower(String name, Supplier<String> urls, String token, List<UUID> chats) {
        this.name = name;
        this.urls = urls;
        this.token = token;
        this.chats = List.copyOf(chats);
        for (UUID c : chats) held.put(c, ConcurrentHashMap.newKeySet());
        connect();
    }

    /** {@return the seqs held for a chat} */
    Set<Long> held(UUID chat) { return held.get(chat); }

    /** {@return the close codes the server sent, in order} */
    List<Integer> closeCodes() { return List.copyOf(closeCodes); }

    /** {@return error frames received} */
    List<String> errors() { return List.copyOf(errors); }

    /** {@return how many times it connected} */
    int connections() { return connectedTo.size(); }

    /** {@return whether it holds every one of these (chat, seq)} */
    boolean holdsAll(List<Load.Acked> acked) {
        for (Load.Acked a : acked) if (!held.get(a.chatId()).contains(a.seq())) return false;
        return true;
    }

    /** {@return the acked messages it does not hold} */
    List<Load.Acked> missing(List<Load.Acked> acked) {
        List<Load.Acked> out = new ArrayList<>();
        for (Load.Acked a : acked) if (!held.get(a.chatId()).contains(a.seq())) out.add(a);
        return out;
    }

    private void connect() {
        while (running) {
            String url = urls.get();
            base = url.replaceFirst("^ws://", "http://").replaceFirst("/ws$", "");
            try {
                ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3)).header("Authorization", "Bearer " + token)
                        .buildAsync(URI.create(url), new Listener()).get(5, TimeUnit.SECONDS);
                connectedTo.add(url);
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(100); // the client's pause before its next try, as a real client's: not a wait of the test
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The HTTP base of the URL of the current connection (for reloads over REST). */
    private volatile String base;

    private void reconnectLater() {
        if (!running) return;
        Thread.ofVirtual().name("follower-reconnect").start(() -> {
            try {
                Thread.sleep(100 + (long) (Math.random() * 200)); // the client's backoff with jitter: not a wait of the test
            } catch (InterruptedException e) {
                return;
            }
            connect();
        });
    }

    private void syncAll(WebSocket w) {
        ObjectNode f = Http.JSON.createObjectNode().put("type", "sync.request").put("id", UUID.randomUUID().toString());
        ObjectNode payload = f.putObject("payload").put("limit", 500);
        ArrayNode cursors = payload.putArray("chats");
        for (UUID c : chats) cursors.addObject().put("chatId", c.toString()).put("lastSeq", contiguous(c));
        w.sendText(f.toString(), true);
    }

    private void syncOne(WebSocket w, UUID chat, long after) {
        ObjectNode f = Http.JSON.createObjectNode().put("type", "sync.request").put("id", UUID.randomUUID().toString());
        f.putObject("payload").put("chatId", chat.toString()).put("lastSeq", after).put("limit", 500);
        w.sendText(f.toString(), true);
    }

    /** {@return the highest seq below which the chat has no hole} */
    private long contiguous(UUID chat) {
        Set<Long> s = held.get(chat);
        long n = 0;
        while (s.contains(n + 1)) n++;
        return n;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                onFrame(w, text.toString());
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        private void onFrame(WebSocket w, String raw) {
            JsonNode f;
            try {
                f = Http.JSON.readTree(raw);
            } catch (Exception e) {
                errors.add("unparseable: " + raw);
                return;
            }
            JsonNode p = f.path("payload");
            switch (f.path("type").asText()) {
                case "hello" -> syncAll(w);
                case "message.new", "message.updated", "message.deleted", "message.reaction" -> hold(p.path("chatId").asText(), p.path("seq").asLong());
                case "sync.response" -> {
                    UUID chat = UUID.fromString(p.path("chatId").asText());
                    if (p.path("tooLarge").asBoolean()) { // more than 500 behind: reload over REST, then sync the rest
                        Thread.ofVirtual().name("follower-reload").start(() -> reload(w, chat));
                        return;
                    }
                    for (JsonNode e : p.path("events")) hold(chat.toString(), e.path("seq").asLong());
                    if (p.path("hasMore").asBoolean()) syncOne(w, chat, p.path("cursor").asLong());
                }
                case "error" -> errors.add(name + ": " + p);
                default -> { }
            }
        }

        /** Pages the chat's history over REST from the last contiguous seq (as a client drops its cache and reloads). */
        private void reload(WebSocket w, UUID chat) {
            Http rest = new Http(base);
            long after = contiguous(chat);
            while (true) {
                Http.Res page = rest.get("/api/v1/chats/" + chat + "/messages?after=" + after + "&limit=200", token);
                if (page.status() != 200) return; // the node went away; the next connection syncs again
                JsonNode messages = page.body().path("messages");
                for (JsonNode m : messages) {
                    hold(chat.toString(), m.path("seq").asLong());
                    after = Math.max(after, m.path("seq").asLong());
                }
                if (!page.body().path("hasMore").asBoolean() || messages.isEmpty()) break;
            }
            syncOne(w, chat, contiguous(chat));
        }

        private void hold(String chat, long seq) {
            Set<Long> s = held.get(UUID.fromString(chat));
            if (s != null) s.add(seq);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closeCodes.add(statusCode);
            reconnectLater();
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closeCodes.add(-1);
            reconnectLater();
        }
    }

    @Override
    public void close() {
        running = false;
        WebSocket w = ws;
        if (w != null) w.abort();
    }
}
