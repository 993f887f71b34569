package io.parley.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Http;
import io.parley.server.RawWebSocket;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpressure (spec 002 §7.4): a client that stops reading while others chat loses ephemeral frames first
 * (reactions here), never a message; then it is shed with close 4008 and recovers everything through sync.
 * The send queue is shortened to 20 frames and the client's TCP receive buffer to 4 KiB, so it stalls soon.
 */
@Timeout(90)
class SlowConsumerTest {
    private static final int MESSAGES = 150;

    @Test
    void aSlowReaderLosesEphemeralFramesFirstThenIsShedAndResyncsCompletely() throws Exception {
        try (TestServer server = TestServer.start(Map.of("gateway.send_queue_max", "20"))) {
            Team team = Team.bootstrap(server);
            Tokens alice = team.add("alice");
            Tokens bob = team.add("bob");
            UUID chat = team.general;
            Http http = new Http(server.baseUrl());
            // Alice posts over REST, so only bob's socket carries the fan-out.
            try (RawWebSocket slow = new RawWebSocket(server.port(), bob.accessToken(), 4096)) {
                Http.Res first = http.post("/api/v1/chats/" + chat + "/messages", Map.of("content", "first"), alice.accessToken());
                assertEquals(201, first.status(), first.raw());
                String firstId = first.body().path("message").path("id").asText();
                long firstSeq = first.body().path("message").path("seq").asLong();
                // Big messages interleaved with reactions (a droppable class); bob reads nothing meanwhile.
                String filler = "x".repeat(35_000);
                for (int i = 0; i < MESSAGES; i++) {
                    Http.Res m = http.post("/api/v1/chats/" + chat + "/messages", Map.of("content", i + " " + filler), alice.accessToken());
                    assertEquals(201, m.status(), m.raw());
                    Http.Res r = i % 2 == 0
                            ? http.post("/api/v1/messages/" + firstId + "/reactions", Map.of("emoji", ":eyes:"), alice.accessToken())
                            : http.delete("/api/v1/messages/" + firstId + "/reactions/%3Aeyes%3A", alice.accessToken());
                    assertEquals(200, r.status(), r.raw());
                }

                // Now read what reached bob: events in order, then the close.
                TreeMap<Long, String> received = new TreeMap<>();
                int closeCode = -1;
                try {
                    while (true) {
                        RawWebSocket.Frame f = slow.read();
                        if (f.opcode() == 8) {
                            closeCode = f.closeCode();
                            break;
                        }
                        if (f.opcode() != 1) continue;
                        JsonNode j = Http.JSON.readTree(f.text());
                        String type = j.path("type").asText();
                        if (type.equals("message.new") || type.equals("message.reaction")) {
                            received.put(j.path("payload").path("seq").asLong(), type);
                        }
                    }
                } catch (EOFException | java.net.SocketException e) {
                    // cut without a close frame: asserted below
                }
                assertEquals(4008, closeCode, "the slow consumer is shed with the documented code");
                assertFalse(received.isEmpty());
                long last = received.lastKey();
                int droppedReactions = 0;
                for (long seq = firstSeq + 1; seq <= last; seq++) {
                    // Seqs alternate: message (even offset from the first), reaction (odd).
                    boolean isMessage = (seq - firstSeq) % 2 == 1;
                    if (isMessage) assertEquals("message.new", received.get(seq), "message seq " + seq + " was dropped");
                    else if (!received.containsKey(seq)) droppedReactions++;
                }
                assertTrue(droppedReactions > 0, "reactions are dropped before the client is shed");
                assertTrue(last < firstSeq + 2L * MESSAGES, "the client was shed before the end");
            }

            // Reconnect and gap-fill: every message is there.
            try (WsClient b = WsClient.connect(server.wsUrl(), bob.accessToken())) {
                b.awaitType("hello");
                Set<String> synced = new HashSet<>();
                long cursor = 0;
                boolean more = true;
                while (more) {
                    UUID id = b.send("sync.request", payload().put("chatId", chat.toString()).put("lastSeq", cursor).put("limit", 500));
                    JsonNode r = b.await(f -> "sync.response".equals(f.path("type").asText())
                            && f.path("payload").path("refId").asText().equals(id.toString())).path("payload");
                    assertFalse(r.path("tooLarge").asBoolean(), r::toString);
                    for (JsonNode e : r.path("events")) {
                        if (e.path("type").asText().equals("message.new")) synced.add(e.path("messageId").asText());
                    }
                    more = r.path("hasMore").asBoolean();
                    cursor = r.path("cursor").asLong();
                }
                assertEquals(MESSAGES + 1, synced.size());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
