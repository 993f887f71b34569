package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typing indicators over real WebSockets (spec 002 §4.3), with the expiry shortened to 3 s. */
@Timeout(60)
class TypingEndToEndTest {
    private static final Duration EXPIRY = Duration.ofSeconds(3);
    private static TestServer server;
    private static Team team;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("realtime.typing_expiry", EXPIRY.toMillis() + "ms"));
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Ana and Ben in a fresh channel. */
    private record Room(Tokens ana, Tokens ben, Chat chat) {}

    private static Room room() {
        int n = names.incrementAndGet();
        Tokens ana = team.add("tana" + n);
        Tokens ben = team.add("tben" + n);
        Chat ch = team.channel(ana, "typing" + n, false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(), List.of(ben.user().id()));
        return new Room(ana, ben, ch);
    }

    private static WsClient connect(Tokens t) {
        WsClient c = WsClient.connect(server.wsUrl(), t.accessToken());
        c.awaitType("hello");
        return c;
    }

    private static UUID typing(WsClient c, String type, UUID chatId) {
        return c.send(type, payload().put("chatId", chatId.toString()));
    }

    private static Predicate<JsonNode> indicator(Tokens who, boolean active) {
        return f -> "typing.indicator".equals(f.path("type").asText())
                && who.user().id().toString().equals(f.path("payload").path("userId").asText())
                && f.path("payload").path("active").asBoolean() == active;
    }

    private static Predicate<JsonNode> ofType(String type) {
        return f -> type.equals(f.path("type").asText());
    }

    @Test
    void indicatorReachesTheOtherMembersButNotTheTypersOwnSessions() {
        Room r = room();
        try (WsClient a1 = connect(r.ana()); WsClient a2 = connect(r.ana()); WsClient b = connect(r.ben())) {
            typing(a1, "typing.start", r.chat().id());
            JsonNode n = b.await(indicator(r.ana(), true));
            assertAll(
                    () -> assertEquals(r.chat().id().toString(), n.path("payload").path("chatId").asText()),
                    () -> assertEquals(r.ana().user().displayName(), n.path("payload").path("displayName").asText()),
                    () -> assertTrue(n.path("payload").path("active").asBoolean()));
            a1.assertNothing(ofType("typing.indicator").or(ofType("ack")).or(ofType("error")));
            a2.assertNothing(ofType("typing.indicator"));

            typing(a1, "typing.stop", r.chat().id());
            b.await(indicator(r.ana(), false));
            a1.assertNothing(ofType("typing.indicator").or(ofType("ack")).or(ofType("error")));
        }
    }

    @Test
    void aNonMemberIsForbiddenAndKeepsItsConnection() {
        Room r = room();
        Tokens cid = team.add("tcid" + names.incrementAndGet());
        try (WsClient c = connect(cid); WsClient b = connect(r.ben())) {
            UUID id = typing(c, "typing.start", r.chat().id());
            JsonNode err = c.awaitReply(id);
            assertEquals("error", err.path("type").asText());
            assertEquals("forbidden", err.path("payload").path("code").asText());
            b.assertNothing(ofType("typing.indicator"));
            assertFalse(c.isClosed());
        }
    }

    @Test
    void startsBeyondOnePerSecondAreDroppedSilently() {
        Room r = room();
        try (WsClient a = connect(r.ana()); WsClient b = connect(r.ben())) {
            for (int i = 0; i < 5; i++) typing(a, "typing.start", r.chat().id());
            b.await(indicator(r.ana(), true));
            b.assertNothing(indicator(r.ana(), true)); // the four extras never reached anyone
            a.assertNothing(ofType("error").or(ofType("ack")));
        }
    }

    @Test
    void typingExpiresWithoutAFreshStart() {
        Room r = room();
        try (WsClient a = connect(r.ana()); WsClient b = connect(r.ben())) {
            typing(a, "typing.start", r.chat().id());
            b.await(indicator(r.ana(), true));
            long started = System.nanoTime();
            b.await(indicator(r.ana(), false), EXPIRY.plusSeconds(5));
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(elapsedMs >= EXPIRY.toMillis() - 500, "expired after " + elapsedMs + " ms");
        }
    }

    @Test
    void sendingAMessageEndsTheSendersTyping() {
        Room r = room();
        try (WsClient a = connect(r.ana()); WsClient b = connect(r.ben())) {
            typing(a, "typing.start", r.chat().id());
            b.await(indicator(r.ana(), true));
            long sent = System.nanoTime();
            UUID id = a.send("message.send", payload().put("chatId", r.chat().id().toString()).put("content", "done typing"));
            a.awaitReply(id);
            b.await(ofType("message.new"));
            b.await(indicator(r.ana(), false));
            long elapsedMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(elapsedMs < EXPIRY.toMillis(), "ended by the send, not by expiry (" + elapsedMs + " ms)");
        }
    }
}
