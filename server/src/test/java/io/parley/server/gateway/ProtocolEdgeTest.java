package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.server.Http;
import io.parley.server.RawWebSocket;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input on the WebSocket: each gets a specific error, and the connection and the data survive. */
@Timeout(60)
class ProtocolEdgeTest {
    private static TestServer server;
    private static Team team;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Tokens person() {
        return team.add("edge" + names.incrementAndGet());
    }

    private static WsClient connect(Tokens t) {
        WsClient c = WsClient.connect(server.wsUrl(), t.accessToken());
        c.awaitType("hello");
        return c;
    }

    private static String errorCode(WsClient c) {
        return c.awaitType("error").path("payload").path("code").asText();
    }

    /** Proves the connection still works: a send is acked. */
    private static void stillWorks(WsClient c, UUID chatId) {
        UUID id = c.send("message.send", payload().put("chatId", chatId.toString()).put("content", "still here"));
        assertEquals("ok", c.awaitReply(id).path("payload").path("status").asText());
    }

    @Test
    void malformedAndInvalidFramesGetSpecificErrorsAndTheConnectionSurvives() {
        Tokens t = person();
        Chat ch = team.channel(t, "edges" + names.incrementAndGet(), false);
        try (WsClient c = connect(t)) {
            c.sendRaw("{not json");
            assertEquals("malformed", errorCode(c));
            c.sendRaw("[1,2,3]");
            assertEquals("malformed", errorCode(c));
            UUID id = UUID.randomUUID();
            c.sendRaw("{\"type\":\"message.explode\",\"id\":\"" + id + "\",\"payload\":{}}");
            JsonNode unknown = c.awaitType("error");
            assertEquals("unknown_type", unknown.path("payload").path("code").asText());
            assertEquals(id.toString(), unknown.path("payload").path("refId").asText());
            c.sendRaw("{\"type\":\"message.send\",\"payload\":{\"chatId\":\"" + ch.id() + "\",\"content\":\"x\"}}");
            assertEquals("invalid_request", errorCode(c)); // missing id
            c.sendRaw("{\"type\":\"message.send\",\"id\":\"not-a-uuid\",\"payload\":{\"chatId\":\"" + ch.id() + "\",\"content\":\"x\"}}");
            assertEquals("invalid_request", errorCode(c));
            // 36 characters UUID.fromString reads as another id (FrameDecoderFuzzTest's finding): no id at all
            c.sendRaw("{\"type\":\"ping\",\"id\":\"0190a3c4-0b2c-73-84edf0-5a6b7c80fe9d\",\"payload\":{}}");
            JsonNode misread = c.awaitType("error");
            assertEquals("invalid_request", misread.path("payload").path("code").asText());
            assertFalse(misread.path("payload").has("refId"), misread.toString());
            UUID extra = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", "x").put("admin", true));
            JsonNode e1 = c.awaitReply(extra);
            assertEquals("invalid_request", e1.path("payload").path("code").asText());
            assertTrue(e1.path("payload").path("message").asText().contains("admin"));
            UUID wrongType = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", 42));
            assertTrue(c.awaitReply(wrongType).path("payload").path("message").asText().contains("content must be a string"));
            UUID missing = c.send("message.send", payload().put("chatId", ch.id().toString()));
            assertTrue(c.awaitReply(missing).path("payload").path("message").asText().contains("content is required"));
            UUID badChat = c.send("message.send", payload().put("chatId", "123").put("content", "x"));
            assertTrue(c.awaitReply(badChat).path("payload").path("message").asText().contains("chatId must be a UUID"));
            UUID badAction = c.send("message.react", payload().put("messageId", UUID.randomUUID().toString()).put("emoji", ":x:").put("action", "toggle"));
            assertEquals("invalid_request", c.awaitReply(badAction).path("payload").path("code").asText());
            UUID envelope = UUID.randomUUID();
            c.sendRaw("{\"type\":\"ping\",\"id\":\"" + envelope + "\",\"payload\":{},\"sneaky\":1}");
            assertEquals("invalid_request", c.awaitReply(envelope).path("payload").path("code").asText());
            UUID search = c.send("search.query", payload().put("query", "x"));
            JsonNode noWorkspace = c.awaitReply(search);
            assertEquals("invalid_request", noWorkspace.path("payload").path("code").asText());
            assertTrue(noWorkspace.path("payload").path("message").asText().contains("workspaceId"));
            UUID tooLong = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", "x".repeat(40_001)));
            assertEquals("content_too_long", c.awaitReply(tooLong).path("payload").path("code").asText());
            UUID blank = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", "   "));
            assertEquals("invalid_request", c.awaitReply(blank).path("payload").path("code").asText());
            c.sendBinary(new byte[]{1, 2, 3});
            assertEquals("invalid_request", errorCode(c));
            stillWorks(c, ch.id());
            assertFalse(c.isClosed());
            assertEquals(1, team.services.messages().history(t.user().id(), ch.id(), null, null, 50).size(), "nothing but the valid send was stored");
        }
    }

    @Test
    void invalidUtf8IsAnErrorNotADisconnect() throws Exception {
        Tokens t = person();
        Chat ch = team.channel(t, "utf" + names.incrementAndGet(), false);
        try (RawWebSocket raw = new RawWebSocket(server.port(), t.accessToken())) {
            raw.readType("hello");
            raw.sendFrame(1, new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            RawWebSocket.Frame err = raw.readType("error");
            assertTrue(err.text().contains("\"code\":\"malformed\""), err.text());
            assertTrue(err.text().contains("UTF-8"));
            UUID id = UUID.randomUUID();
            raw.sendFrame(1, ("{\"type\":\"message.send\",\"id\":\"" + id + "\",\"payload\":{\"chatId\":\"" + ch.id()
                    + "\",\"content\":\"caf\u00e9 \uD83D\uDE00\"}}").getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame ack = raw.readType("ack");
            assertTrue(ack.text().contains(id.toString()));
        }
        assertEquals("caf\u00e9 \uD83D\uDE00", team.services.messages().history(t.user().id(), ch.id(), null, null, 5).getFirst().content());
    }

    @Test
    void anOversizedFrameGetsAnErrorThenClose1009() throws Exception {
        Tokens t = person();
        try (RawWebSocket raw = new RawWebSocket(server.port(), t.accessToken())) {
            raw.readType("hello");
            byte[] big = ("{\"type\":\"ping\",\"id\":\"" + UUID.randomUUID() + "\",\"payload\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            raw.sendFrame(1, big);
            RawWebSocket.Frame err = raw.readType("error");
            assertTrue(err.text().contains("frame_too_large"), err.text());
            RawWebSocket.Frame close = raw.read();
            assertEquals(8, close.opcode());
            assertEquals(1009, close.closeCode());
        }
    }

    @Test
    void upgradeWithoutValidTokenIsRefused() {
        Http http = new Http(server.baseUrl());
        assertThrowsUpgrade(() -> WsClient.connect(server.wsUrl(), null));
        assertThrowsUpgrade(() -> WsClient.connect(server.wsUrl(), "pat_forged"));
        assertThrowsUpgrade(() -> WsClient.connect(server.wsUrl() + "?token=pat_forged", null));
        assertEquals(200, http.get("/health", null).status());
    }

    private static void assertThrowsUpgrade(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return;
        }
        throw new AssertionError("upgrade was accepted");
    }

    @Test
    void tokenInTheQueryStringWorks() {
        Tokens t = person();
        try (WsClient c = WsClient.connect(server.wsUrl() + "?token=" + t.accessToken() + "&v=1", null)) {
            assertEquals(t.user().id().toString(), c.awaitType("hello").path("payload").path("userId").asText());
        }
    }

    @Test
    void anUnsupportedProtocolVersionGetsUpgradeRequiredAndClose() {
        Tokens t = person();
        try (WsClient c = WsClient.connect(server.wsUrl() + "?v=99", t.accessToken())) {
            assertEquals("UPGRADE_REQUIRED", errorCode(c));
            assertEquals(4502, c.awaitClose(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theSixthConnectionOfAUserClosesTheOldest() {
        Tokens t = person();
        WsClient[] conns = new WsClient[6];
        try {
            for (int i = 0; i < 6; i++) conns[i] = connect(t);
            assertEquals(4503, conns[0].awaitClose(Duration.ofSeconds(5)));
            for (int i = 1; i < 6; i++) assertFalse(conns[i].isClosed());
        } finally {
            for (WsClient c : conns) if (c != null) c.close();
        }
    }

    @Test
    void logoutClosesThatSessionsSockets() {
        Tokens t = person();
        try (WsClient c = connect(t)) {
            team.services.auth().logout(team.services.auth().authenticate(t.accessToken()));
            assertEquals(4501, c.awaitClose(Duration.ofSeconds(5)));
        }
    }
}
