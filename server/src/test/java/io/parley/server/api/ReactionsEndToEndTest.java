package io.parley.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Http;
import io.parley.server.Http.Res;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a reaction may be, over real REST and WebSocket: one emoji (skin tones, ZWJ sequences, flags, keycaps, tag
 * sequences) or a known :shortcode:; anything else is {@code invalid_request} on both interfaces and stores nothing.
 */
@Timeout(60)
class ReactionsEndToEndTest {
    private static final String V = "/api/v1";
    /** Each was accepted as "an emoji" before reactions were checked against Unicode's list. */
    private static final List<String> NOT_EMOJI = List.of("ab", "<", "\u202E", "\u200B", "a" + "\u0301".repeat(8),
            "\uD83D\uDC4D\uD83D\uDC4D", "\uD83D\uDC4D ", "1", "#", ":not_a_known_shortcode:", ":tada", "\uD83D\uDC4D\u200D");
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

    private static String post(Tokens who, String content) {
        Res r = http.post(V + "/chats/" + team.general + "/messages", Map.of("content", content), who.accessToken());
        assertEquals(201, r.status(), r.raw());
        return r.body().get("message").get("id").asText();
    }

    private static JsonNode message(String id) {
        return http.get(V + "/messages/" + id, team.owner.accessToken()).body().get("message");
    }

    private static Set<String> reactions(String id) {
        Set<String> out = new TreeSet<>();
        message(id).get("reactions").forEach(r -> out.add(r.get("emoji").asText()));
        return out;
    }

    private static long lastSeq() {
        return http.get(V + "/chats/" + team.general, team.owner.accessToken()).body().get("chat").get("lastSeq").asLong();
    }

    @Test
    void anythingButOneEmojiOrAKnownShortcodeIsRefusedOnBothInterfacesAndNothingIsStored() {
        String id = post(team.owner, "react to this");
        long seq = lastSeq();
        try (WsClient ws = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
            ws.awaitType("hello");
            for (String bad : NOT_EMOJI) {
                Res rest = http.post(V + "/messages/" + id + "/reactions", Map.of("emoji", bad), team.owner.accessToken());
                assertEquals(400, rest.status(), bad + ": " + rest.raw());
                assertEquals("invalid_request", rest.body().get("error").get("code").asText(), bad);
                assertTrue(rest.body().get("error").get("message").asText().startsWith("emoji"), rest.raw());
                UUID frame = ws.send("message.react", payload().put("messageId", id).put("emoji", bad).put("action", "add"));
                assertEquals("invalid_request", ws.awaitReply(frame).path("payload").path("code").asText(), bad);
            }
        }
        assertEquals(Set.of(), reactions(id));
        assertEquals(seq, lastSeq(), "no reaction event was appended to the chat's log");
    }

    @Test
    void everyKindOfEmojiSequenceAndKnownShortcodesWorkOnBothInterfaces() {
        String id = post(team.owner, "emoji of every kind");
        List<String> overRest = List.of("\uD83D\uDC69\u200D\uD83D\uDCBB", // 👩‍💻 a ZWJ sequence
                "\uD83D\uDC4D\uD83C\uDFFD", // 👍🏽 with a skin tone
                "\uD83C\uDDEB\uD83C\uDDF7", // 🇫🇷 a flag
                "1\uFE0F\u20E3", // 1️⃣ a keycap
                "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F", // the flag of Scotland, a tag sequence
                ":tada:", ":+1:");
        for (String e : overRest) {
            Res r = http.post(V + "/messages/" + id + "/reactions", Map.of("emoji", e), team.owner.accessToken());
            assertEquals(200, r.status(), e + ": " + r.raw());
        }
        try (WsClient ws = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
            ws.awaitType("hello");
            for (String e : List.of("\uD83E\uDDD1\uD83C\uDFFD\u200D\uD83D\uDE80", ":thumbsup:", "\u2764")) { // 🧑🏽‍🚀, Slack's alias, ❤ unqualified
                UUID frame = ws.send("message.react", payload().put("messageId", id).put("emoji", e).put("action", "add"));
                assertEquals("ok", ws.awaitReply(frame).path("payload").path("status").asText(), e);
            }
        }
        Set<String> expected = new TreeSet<>(overRest);
        expected.addAll(List.of("\uD83E\uDDD1\uD83C\uDFFD\u200D\uD83D\uDE80", ":thumbsup:", "\u2764\uFE0F"));
        assertEquals(expected, reactions(id), "❤ is kept in its fully-qualified spelling ❤️; shortcodes as sent");

        String encoded = URLEncoder.encode("\uD83D\uDC69\u200D\uD83D\uDCBB", StandardCharsets.UTF_8);
        assertEquals(200, http.delete(V + "/messages/" + id + "/reactions/" + encoded, team.owner.accessToken()).status());
        Res unqualified = http.delete(V + "/messages/" + id + "/reactions/" + URLEncoder.encode("\u2764", StandardCharsets.UTF_8),
                team.owner.accessToken());
        assertEquals(200, unqualified.status(), "removing ❤ removes the ❤️ it was stored as");
        expected.remove("\uD83D\uDC69\u200D\uD83D\uDCBB");
        expected.remove("\u2764\uFE0F");
        assertEquals(expected, reactions(id));
    }

    @Test
    void aReactionStoredBeforeTheCheckCanStillBeTakenBack() {
        String id = post(team.owner, "legacy");
        long seq = lastSeq();
        // "ab" was a valid reaction before; removing one that is not there answers as any removal does and stores nothing.
        Res removed = http.delete(V + "/messages/" + id + "/reactions/ab", team.owner.accessToken());
        assertAll(
                () -> assertEquals(200, removed.status(), removed.raw()),
                () -> assertEquals(seq, lastSeq()),
                () -> assertEquals(400, http.delete(V + "/messages/" + id + "/reactions/a%20b", team.owner.accessToken()).status(),
                        "what could never be stored is still refused"));
    }
}
