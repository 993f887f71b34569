package io.parley.server.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.core.auth.Tokens;
import io.parley.core.notify.Notification;
import io.parley.core.notify.PushSender;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import io.parley.server.nats.TestNats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scaled-out pod in one JVM: two (or three) nodes on one PostgreSQL schema and the real NATS (a fresh
 * prefix per test), each with its own port, bus, hub and presence. People connect to different nodes, and
 * everything of the earlier issues must hold across them: messages and their changes, typing, receipts,
 * badges, toasts, pushes (exactly one, from one node), presence with its grace, manual status, session
 * revocation, rate limits, the backoff after failed sign-ins and the per-user connection limit.
 */
@Timeout(90)
class PodEndToEndTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<TestServer> nodes = new ArrayList<>();
    private final ConcurrentLinkedQueue<Notification> pushes = new ConcurrentLinkedQueue<>();
    private PgTestSchema schema;
    private Team team;

    private void pod(int n, Map<String, String> extra) {
        String nats = TestNats.require();
        schema = PgTestSchema.create();
        String prefix = TestNats.uniquePrefix();
        PushSender recording = pushes::add;
        for (int i = 0; i < n; i++) {
            Map<String, String> cfg = new HashMap<>(schema.serverConfig());
            cfg.putAll(Map.of("bus.kind", "nats", "bus.url", nats, "bus.prefix", prefix,
                    "notifications.badge_interval", "50ms", "notifications.toast_group_window", "300ms"));
            cfg.putAll(extra);
            nodes.add(TestServer.start(cfg, Clock.tick(Clock.systemUTC(), Duration.ofMillis(1)), recording));
        }
        team = Team.bootstrap(nodes.getFirst());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        for (TestServer s : nodes) s.close();
        if (schema != null) schema.close();
    }

    private WsClient ws(int node, Tokens who) {
        WsClient c = WsClient.connect(nodes.get(node).wsUrl(), who.accessToken());
        open.add(c);
        c.awaitType("hello");
        return c;
    }

    private static Predicate<JsonNode> frame(String type, Predicate<JsonNode> p) {
        return f -> type.equals(f.path("type").asText()) && p.test(f.path("payload"));
    }

    private static JsonNode ok(JsonNode reply) {
        assertEquals("ack", reply.path("type").asText(), reply::toString);
        return reply.path("payload");
    }

    private static JsonNode send(WsClient c, UUID chat, String content) {
        return c.awaitReply(c.send("message.send", payload().put("chatId", chat.toString()).put("content", content)));
    }

    private UUID dm(Tokens a, Tokens b) {
        return team.services.chats().openDm(team.services.auth().authenticate(a.accessToken()), team.workspaceId,
                List.of(b.user().id())).id();
    }

    /** Pings and waits for the pong: the connection is open, and every frame the server sent it before is in. */
    private static void pingPong(WsClient c) {
        UUID ping = c.send("ping", payload());
        c.await(frame("pong", p -> p.path("refId").asText().equals(ping.toString())));
    }

    /** Waits until the wall clock has moved past this millisecond, so the next connection is strictly younger. */
    private static void nextMillisecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        Await.until(Duration.ofSeconds(1), "the next millisecond", () -> System.currentTimeMillis() > now);
    }

    @Test
    void messagesAndTheirChangesReachMembersOnEveryNode() {
        pod(3, Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        Tokens carol = team.add("carol");
        WsClient a = ws(0, alice);
        WsClient b = ws(1, bob);
        WsClient c = ws(2, carol);
        UUID general = team.general;

        JsonNode sent = ok(send(a, general, "hello from node 0"));
        String id = sent.path("messageId").asText();
        for (WsClient w : List.of(a, b, c)) {
            JsonNode m = w.await(frame("message.new", p -> p.path("message").path("id").asText().equals(id))).path("payload");
            assertEquals(sent.path("seq").asLong(), m.path("seq").asLong());
            assertEquals("hello from node 0", m.path("message").path("content").asText());
        }
        ok(a.awaitReply(a.send("message.edit", payload().put("messageId", id).put("content", "edited"))));
        ok(b.awaitReply(b.send("message.react", payload().put("messageId", id).put("emoji", ":tada:").put("action", "add"))));
        ok(a.awaitReply(a.send("message.delete", payload().put("messageId", id))));
        for (WsClient w : List.of(a, b, c)) {
            assertEquals("edited", w.await(frame("message.updated", p -> p.path("message").path("id").asText().equals(id)))
                    .path("payload").path("message").path("content").asText());
            w.await(frame("message.reaction", p -> p.path("messageId").asText().equals(id) && p.path("emoji").asText().equals(":tada:")));
            w.await(frame("message.deleted", p -> p.path("messageId").asText().equals(id)));
        }

        // A REST post on a node where no member of the chat is connected (node 1 has only bob, not in this DM).
        UUID dm = dm(alice, carol);
        Http.Res post = new Http(nodes.get(1).baseUrl()).post("/api/v1/chats/" + dm + "/messages",
                Map.of("content", "over REST on node 1"), carol.accessToken());
        assertEquals(201, post.status(), post.raw());
        for (WsClient w : List.of(a, c)) {
            w.await(frame("message.new", p -> p.path("message").path("content").asText().equals("over REST on node 1")));
        }
    }

    @Test
    void typingReceiptsBadgesToastsAndExactlyOnePushAcrossNodes() throws Exception {
        pod(2, Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(0, alice);
        WsClient b = ws(1, bob);
        // Connections are shared through a NATS key-value watch, so node 0 learns of bob's a moment later;
        // until it does it would rightly treat him as offline and push.
        Await.until(Duration.ofSeconds(10), "node 0 to see bob connected",
                () -> !nodes.get(0).server().services().presence().remoteConnections(bob.user().id()).isEmpty());

        a.send("typing.start", payload().put("chatId", dm.toString()));
        b.await(frame("typing.indicator", p -> p.path("userId").asText().equals(alice.user().id().toString()) && p.path("active").asBoolean()));

        JsonNode m = ok(send(a, dm, "ping from node 0"));
        b.await(frame("notification.toast", p -> p.path("messageId").asText().equals(m.path("messageId").asText())));
        b.await(frame("notification.badge", p -> p.path("chatId").asText().equals(dm.toString()) && p.path("unreadCount").asInt() == 1));
        b.await(frame("typing.indicator", p -> p.path("userId").asText().equals(alice.user().id().toString()) && !p.path("active").asBoolean()));

        ok(b.awaitReply(b.send("read.mark", payload().put("chatId", dm.toString()).put("seq", m.path("seq").asLong()))));
        a.await(frame("read.receipt", p -> p.path("userId").asText().equals(bob.user().id().toString())
                && p.path("seq").asLong() == m.path("seq").asLong()));
        b.await(frame("notification.badge", p -> p.path("chatId").asText().equals(dm.toString()) && p.path("unreadCount").asInt() == 0));
        assertTrue(pushes.isEmpty(), "bob is connected (to node 1): no node pushes to him: " + pushes);

        // Bob leaves: a message is pushed to him exactly once, although both nodes hear of it.
        WsClient a1 = ws(1, alice); // alice on node 1 too: what she sees there, node 1 has received
        b.close();
        Await.until(Duration.ofSeconds(10), "node 0 to see bob gone",
                () -> nodes.get(0).server().services().presence().remoteConnections(bob.user().id()).isEmpty());
        JsonNode later = ok(send(a, dm, "while you were away"));
        Await.until(Duration.ofSeconds(10), "one push", () -> !pushes.isEmpty());
        // Node 1 has had its chance to push it too once it pushed a later message: its notifications follow the
        // order its bus delivered the two in, and it delivered this one before alice sent the next from there.
        a1.await(frame("message.new", p -> p.path("message").path("id").asText().equals(later.path("messageId").asText())));
        JsonNode marker = ok(send(a1, dm, "and this from node 1"));
        Await.until(Duration.ofSeconds(10), "the push of the later message", () -> pushes.size() >= 2);
        assertEquals(List.of(later.path("messageId").asText(), marker.path("messageId").asText()),
                pushes.stream().map(n -> n.messageId().toString()).toList(), "exactly one push for each message");
    }

    @Test
    void presenceIsOnePodWideStateWithGraceAcrossNodes() throws Exception {
        pod(2, Map.of("realtime.presence_offline_grace", "2s", "realtime.presence_batch", "100ms"));
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        Tokens carol = team.add("carol");
        WsClient watcher = ws(0, alice);
        WsClient onB = ws(1, bob);
        WsClient onC = ws(1, carol);
        ObjectNode sub = payload();
        sub.putArray("userIds").add(bob.user().id().toString()).add(carol.user().id().toString());
        Await.until(Duration.ofSeconds(10), "alice on node 0 to see bob and carol (node 1) available", () -> {
            UUID ref = watcher.send("presence.subscribe", sub.deepCopy());
            JsonNode users = watcher.await(frame("presence.state", p -> p.path("refId").asText().equals(ref.toString())))
                    .path("payload").path("users");
            return users.size() == 2 && users.get(0).path("status").asText().equals("available")
                    && users.get(1).path("status").asText().equals("available");
        });

        // Bob moves from node 1 to node 0 within the grace: nobody sees him go offline. Carol, on node 1 too, leaves
        // for good just after him: once her grace is over and she is reported offline, his was over before.
        onB.close();
        WsClient onA = ws(0, bob);
        onC.close();
        watcher.await(frame("presence.changed", p -> p.path("userId").asText().equals(carol.user().id().toString())
                && p.path("status").asText().equals("offline")), Duration.ofSeconds(10));
        assertFalse(watcher.queued().stream().anyMatch(frame("presence.changed",
                p -> p.path("userId").asText().equals(bob.user().id().toString()) && p.path("status").asText().equals("offline"))),
                "a move between nodes within the grace is not an offline flap: " + watcher.queued());

        // A manual status set through node 0 is what node 1 reports too.
        ok(onA.awaitReply(onA.send("presence.update", payload().put("status", "dnd"))));
        Await.until(Duration.ofSeconds(10), "node 1 to report dnd",
                () -> nodes.get(1).server().services().presence().of(bob.user().id()).status().wire().equals("dnd"));

        // Gone everywhere: offline once the grace is over, on both nodes.
        onA.close();
        watcher.await(frame("presence.changed", p -> p.path("userId").asText().equals(bob.user().id().toString())
                && p.path("status").asText().equals("offline")), Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(10), "node 1 to agree",
                () -> nodes.get(1).server().services().presence().of(bob.user().id()).status().wire().equals("offline"));
    }

    @Test
    void theConnectionLimitCountsEveryNode() throws Exception {
        pod(2, Map.of("gateway.max_connections_per_user", "2"));
        Tokens bob = team.add("bob");
        WsClient oldest = ws(0, bob);
        nextMillisecond();
        WsClient second = ws(1, bob);
        Await.until(Duration.ofSeconds(10), "node 1 to know of the connection on node 0",
                () -> nodes.get(1).server().services().presence().remoteConnections(bob.user().id()).size() == 1);
        nextMillisecond();
        WsClient third = ws(1, bob);
        assertEquals(4503, oldest.awaitClose(Duration.ofSeconds(10)), "the oldest, on the other node, is replaced");
        // One decision replaced the oldest; had it closed another, that close went out no later: a pong after it shows
        // the newer ones open.
        pingPong(second);
        pingPong(third);
        assertFalse(second.isClosed(), "the newer ones stay");
        assertFalse(third.isClosed(), "the newest stays");
    }

    @Test
    void aSessionRevokedOnOneNodeClosesItsSocketsOnAnotherWithinSeconds() {
        pod(2, Map.of());
        Tokens bob = team.add("bob");
        WsClient onA = ws(0, bob);
        long start = System.nanoTime();
        Http.Res out = new Http(nodes.get(1).baseUrl()).post("/api/v1/auth/logout", Map.of(), bob.accessToken());
        assertTrue(out.status() / 100 == 2, out.raw());
        assertEquals(4501, onA.awaitClose(Duration.ofSeconds(30)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5_000, "revocation crossed nodes on the bus in " + ms + " ms (the 15 s sweep is the fallback)");
    }

    @Test
    void aUsersMessageLimitIsSharedByTheNodesTheyUse() {
        pod(2, Map.of("limits.messages_per_second", "5"));
        Tokens bob = team.add("bob");
        WsClient onA = ws(0, bob);
        WsClient onB = ws(1, bob);
        List<UUID> fromA = new ArrayList<>();
        List<UUID> fromB = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // pipelined, alternating nodes: 12 sends well within a second
            fromA.add(onA.send("message.send", payload().put("chatId", team.general.toString()).put("content", "a" + i)));
            fromB.add(onB.send("message.send", payload().put("chatId", team.general.toString()).put("content", "b" + i)));
        }
        int acked = 0;
        JsonNode refused = null;
        for (UUID id : fromA) { JsonNode r = onA.awaitReply(id); if (r.path("type").asText().equals("ack")) acked++; else refused = r; }
        for (UUID id : fromB) { JsonNode r = onB.awaitReply(id); if (r.path("type").asText().equals("ack")) acked++; else refused = r; }
        assertTrue(acked >= 5 && acked <= 6, "one bucket of 5 for both nodes (plus at most one refilled meanwhile): " + acked + " acked");
        assertEquals("rate_limited", refused.path("payload").path("code").asText(), refused.toString());
        assertTrue(refused.path("payload").path("retryAfter").asInt() >= 1);
    }

    @Test
    void wrongPasswordsOnOneNodeHoldBackTheGuesserOnTheOther() {
        pod(2, Map.of("auth.throttle_base_delay", "1m")); // a wait no slow machine outlasts between two requests
        team.add("bob");
        List<Http> http = nodes.stream().map(n -> new Http(n.baseUrl())).toList();
        Map<String, String> wrong = Map.of("email", "bob@example.com", "password", "not-bobs");
        Map<String, String> right = Map.of("email", "bob@example.com", "password", "password-bob");
        for (int i = 0; i < 5; i++) assertEquals(401, http.get(i % 2).post("/api/v1/auth/login", wrong, null).status(), "failure " + i);
        Http.Res onA = http.get(0).post("/api/v1/auth/login", right, null);
        Http.Res onB = http.get(1).post("/api/v1/auth/login", right, null);
        assertEquals(429, onA.status(), onA.raw());
        assertEquals(429, onB.status(), "the five failures were counted across the pod: " + onB.raw());
        assertEquals("60", onB.header("Retry-After"));
    }

    @Test
    void aFileUploadedThroughOneNodeDownloadsThroughAnother() throws Exception {
        pod(2, Map.of());
        Tokens bob = team.add("bob");
        byte[] bytes = new byte[(int) (2.5 * (1 << 20))]; // three chunks in the database's blob store
        new java.util.Random(3).nextBytes(bytes);
        var client = java.net.http.HttpClient.newHttpClient();
        var up = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(nodes.get(0).baseUrl() + "/api/v1/workspaces/"
                        + team.workspaceId + "/files?name=report.bin"))
                .header("Authorization", "Bearer " + team.owner.accessToken())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        String fileId = Http.JSON.readTree(up.body()).get("file").get("id").asText();
        Http onA = new Http(nodes.get(0).baseUrl());
        assertEquals(201, onA.post("/api/v1/chats/" + team.general + "/messages",
                Map.of("content", "the report", "attachments", List.of(fileId)), team.owner.accessToken()).status());
        var down = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(nodes.get(1).baseUrl() + "/api/v1/files/" + fileId + "/content"))
                .header("Authorization", "Bearer " + bob.accessToken()).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertTrue(java.util.Arrays.equals(bytes, down.body()), "the same bytes through the other node");
    }
}
