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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading while a chat is busy with messages and typing (spec 002 §7.4): once
 * its backlog passes a quarter of the queue, typing indicators are dropped; no message is.
 * The typing limit is lifted (1 ms) so typing is as frequent as messages.
 */
@Timeout(120)
class SlowReaderEndToEndTest {
    private static final int ROUNDS = 400;
    private static TestServer server;
    private static Team team;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("realtime.typing_interval", "1ms"));
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WsClient connect(Tokens t) {
        WsClient c = WsClient.connect(server.wsUrl(), t.accessToken());
        c.awaitType("hello");
        return c;
    }

    @Test
    void typingIsDroppedBeforeAnyMessage() throws Exception {
        Tokens ana = team.add("slowana");
        Tokens ben = team.add("slowben");
        Tokens cid = team.add("slowcid");
        Chat ch = team.channel(ana, "busy-and-slow", false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(),
                List.of(ben.user().id(), cid.user().id()));
        String filler = "x".repeat(2000);
        try (WsClient a = connect(ana); WsClient b = connect(ben);
             RawWebSocket slow = new RawWebSocket(server.port(), cid.accessToken(), 4096)) {
            for (int i = 0; i < ROUNDS; i++) {
                b.send("typing.start", payload().put("chatId", ch.id().toString()));
                UUID id = a.send("message.send", payload().put("chatId", ch.id().toString()).put("content", i + " " + filler));
                assertEquals("ack", a.awaitReply(id).path("type").asText());
            }
            // Now read everything the slow client was sent.
            List<Long> seqs = new ArrayList<>();
            int typing = 0;
            while (seqs.size() < ROUNDS) {
                RawWebSocket.Frame f = slow.read();
                assertEquals(1, f.opcode(), () -> "a text frame, not a close (" + f.closeCode() + ")");
                JsonNode n = Http.JSON.readTree(f.text());
                switch (n.path("type").asText()) {
                    case "message.new" -> seqs.add(n.path("payload").path("seq").asLong());
                    case "typing.indicator" -> typing++;
                    default -> { }
                }
            }
            int typingSeen = typing;
            assertAll(
                    () -> {
                        for (int i = 1; i < seqs.size(); i++) assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "no message lost");
                    },
                    () -> assertTrue(typingSeen < ROUNDS, "typing dropped under backpressure (" + typingSeen + " of " + ROUNDS + " seen)"),
                    () -> assertTrue(typingSeen > 0, "typing flowed while the client kept up"));
        }
    }
}
