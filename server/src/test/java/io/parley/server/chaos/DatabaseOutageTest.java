package io.parley.server.chaos;

import io.parley.server.Await;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL goes away under a running node (spec 003 §2): a TCP proxy between Parley and the shared test
 * PostgreSQL is severed, so only this node loses its database. While it is gone, sends are refused with
 * {@code error{code:"unavailable", retryAfter}} and no ack, REST answers 503 with the JSON error, {@code /ready}
 * is 503 and {@code /health} says the database is not connected. Once the proxy is back the same process
 * recovers by itself, and every message acked before and after is stored.
 */
class DatabaseOutageTest {
    private static final Duration OUTAGE_SIGNAL = Duration.ofSeconds(15);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
    }

    @Test
    @Timeout(90)
    void nodeRefusesWritesWhileDatabaseIsDownAndRecoversWithoutRestart() throws Exception {
        Chaos.PgSchema schema = new Chaos.PgSchema();
        cleanup.add(schema);
        TcpProxy proxy = new TcpProxy("127.0.0.1", 5432);
        cleanup.add(proxy);
        TestServer server = TestServer.start(Map.of("store.kind", "postgres", "store.url", schema.url(proxy.hostPort())));
        cleanup.add(server);
        Http http = new Http(server.baseUrl());
        Chaos.Site site = Chaos.bootstrap(server.baseUrl());
        UUID chat = site.chats().getFirst();
        WsClient ws = WsClient.connect(server.wsUrl(), site.token());
        cleanup.add(ws);
        ws.awaitType("hello");

        List<Load.Acked> acked = new ArrayList<>();
        for (int i = 0; i < 5; i++) acked.add(sendAndExpectAck(ws, chat, "before " + i));
        assertEquals(200, http.get("/ready", null).status());

        // ---- the database goes away --------------------------------------------------------------
        proxy.sever();

        Await.until(OUTAGE_SIGNAL, "/ready to answer 503", () -> http.get("/ready", null).status() == 503);
        Http.Res ready = http.get("/ready", null);
        assertFalse(ready.body().path("ready").asBoolean(true), ready.raw());
        assertEquals("unhealthy", ready.body().path("checks").path("database").asText(), ready.raw());
        Http.Res health = http.get("/health", null);
        assertEquals(200, health.status(), "liveness stays up: " + health.raw());
        assertFalse(health.body().path("database").path("connected").asBoolean(true), health.raw());

        List<UUID> refused = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = ws.send("message.send", payload().put("chatId", chat.toString()).put("content", "during " + i));
            JsonNode reply = ws.await(f -> id.toString().equals(f.path("payload").path("refId").asText()), OUTAGE_SIGNAL);
            assertEquals("error", reply.path("type").asText(), "a send must not be acked without a database: " + reply);
            assertEquals("unavailable", reply.path("payload").path("code").asText(), reply.toString());
            assertTrue(reply.path("payload").path("retryAfter").asInt(0) > 0, "retryAfter missing: " + reply);
            assertTrue(reply.path("payload").path("temporary").asBoolean(), reply.toString());
            refused.add(id);
        }

        Http.Res history = http.get("/api/v1/chats/" + chat + "/messages", site.token());
        assertUnavailable(history);
        Http.Res post = http.post("/api/v1/chats/" + chat + "/messages", Map.of("content", "rest during"), site.token());
        assertUnavailable(post);

        // ---- the database comes back: the same process recovers ----------------------------------
        proxy.restore();
        Await.until(OUTAGE_SIGNAL, "/ready to answer 200 again", () -> http.get("/ready", null).status() == 200);
        assertTrue(http.get("/health", null).body().path("database").path("connected").asBoolean(), "health after recovery");
        for (int i = 0; i < 5; i++) acked.add(sendAndExpectAck(ws, chat, "after " + i));
        Http.Res restPost = http.post("/api/v1/chats/" + chat + "/messages", Map.of("content", "rest after"), site.token());
        assertEquals(201, restPost.status(), restPost.raw());

        Chaos.assertEveryAckDurable(server.baseUrl(), site.token(), List.of(chat), acked);
        List<JsonNode> stored = Chaos.history(server.baseUrl(), site.token(), chat);
        for (JsonNode m : stored) {
            assertFalse(m.path("content").asText().startsWith("during") || m.path("content").asText().equals("rest during"),
                    "a refused write was stored anyway: " + m);
            assertFalse(refused.contains(UUID.fromString(m.path("clientMsgId").asText())), "refused send stored: " + m);
        }
        assertEquals(11, stored.size(), "5 before, 5 after over WebSocket, 1 after over REST");
    }

    private static Load.Acked sendAndExpectAck(WsClient ws, UUID chat, String content) {
        UUID id = ws.send("message.send", payload().put("chatId", chat.toString()).put("content", content));
        JsonNode reply = ws.awaitReply(id);
        assertEquals("ack", reply.path("type").asText(), reply.toString());
        JsonNode p = reply.path("payload");
        assertEquals("ok", p.path("status").asText(), reply.toString());
        return new Load.Acked(id, UUID.fromString(p.path("chatId").asText()), UUID.fromString(p.path("messageId").asText()),
                p.path("seq").asLong());
    }

    private static void assertUnavailable(Http.Res r) {
        assertEquals(503, r.status(), r.raw());
        assertEquals("unavailable", r.body().path("error").path("code").asText(), r.raw());
        assertTrue(r.body().path("error").path("retryAfter").asInt(0) > 0, r.raw());
        assertTrue(r.header("Retry-After") != null, "Retry-After header: " + r.response().headers());
    }
}
