package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.parley.server.WsClient.payload;
import static io.parley.server.gateway.PresenceFrames.changed;
import static io.parley.server.gateway.PresenceFrames.subscribe;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence over real WebSockets (spec 002 §4.1–4.2) with shortened timers: 1 s offline grace,
 * 200 ms batches, one manual update per second. Away and subscription expiry: {@link PresenceTimersEndToEndTest}.
 */
@Timeout(60)
class PresenceEndToEndTest {
    static final Duration GRACE = Duration.ofSeconds(1);
    private static TestServer server;
    private static Team team;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "realtime.presence_offline_grace", GRACE.toMillis() + "ms",
                "realtime.presence_batch", "200ms",
                "realtime.presence_update_interval", "1s"));
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Tokens person() {
        return team.add("pres" + names.incrementAndGet());
    }

    private static WsClient connect(Tokens t) {
        return PresenceFrames.connect(server, t);
    }

    private static JsonNode update(WsClient c, String status) {
        return c.awaitReply(c.send("presence.update", payload().put("status", status)));
    }

    /**
     * Subscribes the watcher to an offline user, connects the user and waits for the watcher to see them
     * available, so no change of the connect is still in flight when a test starts. {@return the user's connection}
     */
    private static WsClient connectWatched(WsClient watcher, Tokens who) {
        return PresenceFrames.connectWatched(server, watcher, who);
    }

    @Test
    void subscribeAnswersWithTheCurrentStateOfVisibleUsersOnly() {
        Tokens ana = person();
        Tokens ben = person();
        Tokens quiet = person();
        Tokens outsider = outsider();
        try (WsClient b = connect(ben); WsClient a = connectWatched(b, ana)) {
            Map<String, JsonNode> state = subscribe(b, ana.user().id(), quiet.user().id(), outsider.user().id(), UUID.randomUUID());
            assertAll(
                    () -> assertEquals(2, state.size(), "strangers are left out: " + state),
                    () -> assertEquals("available", state.get(ana.user().id().toString()).path("status").asText()),
                    () -> assertFalse(state.get(ana.user().id().toString()).path("lastSeen").isMissingNode()),
                    () -> assertEquals("offline", state.get(quiet.user().id().toString()).path("status").asText()),
                    () -> assertFalse(state.containsKey(outsider.user().id().toString())));
        }
    }

    @Test
    void aChangeReachesSubscribersOnlyInABatch() {
        Tokens ana = person();
        Tokens ben = person();
        Tokens cid = person();
        try (WsClient b = connect(ben); WsClient c = connect(cid); WsClient a = connectWatched(b, ana)) {
            JsonNode ack = update(a, "dnd");
            assertEquals("ack", ack.path("type").asText());
            assertFalse(ack.path("payload").path("coalesced").asBoolean());
            JsonNode n = b.await(changed(ana, "dnd"));
            assertFalse(n.path("payload").path("lastSeen").isMissingNode());
            c.assertNothing(changed(ana)); // cid never subscribed
            a.assertNothing(changed(ana));  // nor did ana herself
        }
    }

    @Test
    void offlineOnlyAfterTheGraceAndNoFlapOnAQuickReconnect() {
        Tokens ana = person();
        Tokens ben = person();
        try (WsClient b = connect(ben)) {
            WsClient a1 = connectWatched(b, ana);
            a1.close();
            WsClient a2 = connect(ana); // within the grace: ana never looks offline
            a2.close();
            long closed = System.nanoTime();
            JsonNode first = b.await(changed(ana), GRACE.plusSeconds(5));
            long elapsedMs = (System.nanoTime() - closed) / 1_000_000;
            assertEquals("offline", first.path("payload").path("status").asText(), "the first change after the reconnect is the real offline");
            assertTrue(elapsedMs >= GRACE.toMillis() - 100, "offline after " + elapsedMs + " ms, before the grace ended");
            assertFalse(first.path("payload").path("lastSeen").isMissingNode());
        }
    }

    @Test
    void manualStatusOverridesActivityAndUpdatesCoalesceLatestWins() {
        Tokens ana = person();
        Tokens ben = person();
        try (WsClient b = connect(ben); WsClient a = connectWatched(b, ana)) {
            assertFalse(update(a, "dnd").path("payload").path("coalesced").asBoolean());
            b.await(changed(ana, "dnd"));
            // Within the window: both coalesce; only the latest applies at the window's end.
            assertTrue(update(a, "brb").path("payload").path("coalesced").asBoolean());
            assertTrue(update(a, "in_a_meeting").path("payload").path("coalesced").asBoolean());
            a.send("ping", payload());
            a.send("presence.unsubscribe", payload().set("userIds", payload().arrayNode().add(UUID.randomUUID().toString()))); // activity does not clear a manual status
            JsonNode next = b.await(changed(ana), Duration.ofSeconds(5));
            assertEquals("in_a_meeting", next.path("payload").path("status").asText(), "brb was superseded within the window");
            assertEquals("in_a_meeting", subscribe(b, ana.user().id()).get(ana.user().id().toString()).path("status").asText());
        }
    }

    @Test
    void anUnknownStatusIsInvalid() {
        Tokens ana = person();
        try (WsClient a = connect(ana)) {
            for (String bad : new String[]{"offline", "busy", ""}) {
                JsonNode r = update(a, bad);
                assertEquals("error", r.path("type").asText());
                assertEquals("invalid_request", r.path("payload").path("code").asText());
            }
            assertFalse(a.isClosed());
        }
    }

    @Test
    void unsubscribeStopsChanges() {
        Tokens ana = person();
        Tokens ben = person();
        try (WsClient b = connect(ben); WsClient a = connectWatched(b, ana)) {
            UUID ref = b.send("presence.unsubscribe", payload().set("userIds", payload().arrayNode().add(ana.user().id().toString())));
            assertEquals("ack", b.awaitReply(ref).path("type").asText());
            try (WsClient watcher = connect(person())) {
                subscribe(watcher, ana.user().id());
                update(a, "brb");
                watcher.await(changed(ana, "brb"));
                b.assertNothing(changed(ana));
            }
        }
    }

    @Test
    void restAnswersTheSamePresenceToPeopleWhoShareAWorkspace() {
        Tokens ana = person();
        Tokens ben = person();
        Tokens outsider = outsider();
        Http http = new Http(server.baseUrl());
        String path = "/api/v1/users/" + ana.user().id() + "/presence";
        assertEquals("offline", http.get(path, ben.accessToken()).body().path("presence").path("status").asText());
        try (WsClient b = connect(ben); WsClient a = connectWatched(b, ana)) {
            update(a, "brb");
            Http.Res r = http.get(path, ben.accessToken());
            assertAll(
                    () -> assertEquals(200, r.status()),
                    () -> assertEquals(ana.user().id().toString(), r.body().path("presence").path("userId").asText()),
                    () -> assertEquals("brb", r.body().path("presence").path("status").asText()),
                    () -> assertFalse(r.body().path("presence").path("lastSeen").isMissingNode()));
            assertEquals(404, http.get(path, outsider.accessToken()).status());
            assertEquals(401, http.get(path, null).status());
        }
    }

    /** {@return a user of another workspace, who shares none with the team} */
    private static Tokens outsider() {
        var owner = team.services.auth().authenticate(team.owner.accessToken());
        Workspace other = team.services.workspaces().create(owner, "Other " + names.incrementAndGet());
        var invite = team.services.workspaces().createInvite(owner, other.id(), Role.MEMBER, Duration.ofHours(1), 1, null);
        int n = names.incrementAndGet();
        return team.services.workspaces().registerByInvite(invite.code(), "out" + n + "@example.com", "out" + n, "out" + n, "password-out" + n).tokens();
    }
}
