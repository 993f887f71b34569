package io.parley.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.server.Http;
import io.parley.server.Http.Res;
import io.parley.server.RawWebSocket;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text that is not Unicode — an escaped lone surrogate in a value or a field name, bytes that are not UTF-8 — is
 * {@code malformed} on REST and on the WebSocket (where the connection stays usable), {@code invalid_payload} on an
 * incoming webhook, and nothing of it is stored.
 */
@Timeout(60)
class WellFormedTextEndToEndTest {
    private static final String V = "/api/v1";
    /** JSON bodies of a message, as ASCII text whose escapes spell what is not a Unicode string. */
    private static final List<String> LONE_SURROGATES = List.of(
            "{\"content\":\"a\\ud800b\"}", // a lone high surrogate
            "{\"content\":\"a\\udc00b\"}", // a lone low surrogate
            "{\"content\":\"a\\udc00\\ud800b\"}", // a reversed pair
            "{\"content\":\"ab\\ud83d\"}", // a high surrogate at the end
            "{\"content\":\"ok\",\"\\ud800\":1}"); // in a field name
    private static final AtomicInteger names = new AtomicInteger();
    private static TestServer server;
    private static Team team;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            else for (int b : (int[]) p) out.write(b);
        }
        return out.toByteArray();
    }

    /** Bytes that are not UTF-8: an encoded surrogate, an overlong '/', a cut sequence, a lone continuation byte. */
    private static final List<int[]> NOT_UTF8 = List.of(new int[]{0xED, 0xA0, 0x80}, new int[]{0xC0, 0xAF},
            new int[]{0xE2, 0x82}, new int[]{0x80});

    private static List<String> contents(Tokens who, UUID chatId) {
        JsonNode page = http.get(V + "/chats/" + chatId + "/messages?limit=50", who.accessToken()).body();
        return page.get("messages").findValuesAsText("content");
    }

    private static Chat channel(Tokens who) {
        return team.channel(who, "text" + names.incrementAndGet(), false);
    }

    @Test
    void restAnswersMalformedAndStoresNothing() {
        Tokens t = team.add("rest" + names.incrementAndGet());
        Chat ch = channel(t);
        String path = V + "/chats/" + ch.id() + "/messages";
        for (String body : LONE_SURROGATES) {
            Res r = http.raw("POST", path, body, t.accessToken());
            assertEquals(400, r.status(), body + ": " + r.raw());
            assertEquals("malformed", r.body().get("error").get("code").asText(), body);
            assertTrue(r.body().get("error").get("message").asText().contains("unpaired surrogate"), r.raw());
        }
        for (int[] bad : NOT_UTF8) {
            Res r = http.bytes("POST", path, "application/json", bytes("{\"content\":\"a", bad, "b\"}"), t.accessToken());
            assertEquals(400, r.status(), r.raw());
            assertAll(() -> assertEquals("malformed", r.body().get("error").get("code").asText()),
                    () -> assertTrue(r.body().get("error").get("message").asText().contains("UTF-8"), r.raw()));
        }
        Res pair = http.raw("POST", path, "{\"content\":\"escaped pair \\ud83d\\ude00\"}", t.accessToken());
        assertEquals(201, pair.status(), "a well-formed escaped pair is one character: " + pair.raw());
        assertEquals(List.of("escaped pair \uD83D\uDE00"), contents(t, ch.id()));
    }

    @Test
    void theWebSocketAnswersMalformedAndStaysUsable() throws Exception {
        Tokens t = team.add("ws" + names.incrementAndGet());
        Chat ch = channel(t);
        try (WsClient c = WsClient.connect(server.wsUrl(), t.accessToken())) {
            c.awaitType("hello");
            UUID id = UUID.randomUUID();
            c.sendRaw("{\"type\":\"message.send\",\"id\":\"" + id + "\",\"payload\":{\"chatId\":\"" + ch.id() + "\",\"content\":\"a\\ud800b\"}}");
            JsonNode err = c.awaitType("error");
            assertEquals("malformed", err.path("payload").path("code").asText(), err.toString());
            assertTrue(err.path("payload").path("message").asText().contains("unpaired surrogate"), err.toString());
            c.sendRaw("{\"type\":\"ping\",\"id\":\"" + UUID.randomUUID() + "\",\"payload\":{\"\\udfff\":1}}");
            assertEquals("malformed", c.awaitType("error").path("payload").path("code").asText(), "a field name too");
            UUID ok = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", "after the surrogates"));
            assertEquals("ok", c.awaitReply(ok).path("payload").path("status").asText());
            assertFalse(c.isClosed());
        }
        try (RawWebSocket raw = new RawWebSocket(server.port(), t.accessToken())) {
            raw.readType("hello");
            for (int[] bad : NOT_UTF8) {
                raw.sendFrame(1, bytes("{\"type\":\"message.send\",\"id\":\"" + UUID.randomUUID() + "\",\"payload\":{\"chatId\":\""
                        + ch.id() + "\",\"content\":\"a", bad, "b\"}}"));
                RawWebSocket.Frame err = raw.readType("error");
                assertTrue(err.text().contains("\"code\":\"malformed\"") && err.text().contains("UTF-8"), err.text());
            }
            UUID id = UUID.randomUUID();
            raw.sendFrame(1, ("{\"type\":\"message.send\",\"id\":\"" + id + "\",\"payload\":{\"chatId\":\"" + ch.id()
                    + "\",\"content\":\"after the bytes\"}}").getBytes(StandardCharsets.UTF_8));
            assertTrue(raw.readType("ack").text().contains(id.toString()));
        }
        assertEquals(List.of("after the bytes", "after the surrogates"), contents(t, ch.id()).stream().sorted().toList());
    }

    @Test
    void anIncomingWebhookAnswersInvalidPayloadAndPostsNothing() {
        Chat ch = channel(team.owner);
        Res created = http.post(V + "/chats/" + ch.id() + "/webhooks", Map.of("name", "Alerts"), team.owner.accessToken());
        assertEquals(201, created.status(), created.raw());
        String url = created.body().get("webhook").get("url").asText();
        String hook = url.substring(url.indexOf("/hooks/"));
        List<byte[]> refused = List.of(
                "{\"text\":\"a\\ud800b\"}".getBytes(StandardCharsets.US_ASCII),
                bytes("{\"text\":\"a", new int[]{0xED, 0xA0, 0x80}, "b\"}"));
        for (byte[] body : refused) {
            Res r = http.bytes("POST", hook, "application/json", body, null);
            assertEquals(400, r.status(), r.raw());
            assertEquals("invalid_payload", r.raw());
        }
        for (String form : List.of("payload=%7B%22text%22%3A%22a%ED%A0%80b%22%7D", "payload=%7B%22text%22%3A%22a%5Cud800b%22%7D",
                "payload=%7B%22text%22%3A%22a%C0%AFb%22%7D")) {
            Res r = http.bytes("POST", hook, "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.US_ASCII), null);
            assertEquals(400, r.status(), form + ": " + r.raw());
            assertEquals("invalid_payload", r.raw(), form);
        }
        Res ok = http.bytes("POST", hook, "application/x-www-form-urlencoded",
                "payload=%7B%22text%22%3A%22caf%C3%A9%22%7D".getBytes(StandardCharsets.US_ASCII), null);
        assertEquals(200, ok.status(), ok.raw());
        assertEquals(List.of("caf\u00e9"), contents(team.owner, ch.id()));
    }
}
