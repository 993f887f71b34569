package io.parley.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.notify.Notification;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.crypto.Base64Url;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push end to end: a real Parley node, subscriptions over REST, pushes queued through the
 * {@link io.parley.core.notify.PushSender} port, delivered to {@link FakePushService}, which verifies VAPID and
 * decrypts with the browser-side keys.
 */
@Timeout(60)
class WebPushEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    // The fake push service is plain HTTP on loopback: the tests' knob for http, and loopback opened to the outbound policy.
    private static final Map<String, String> PUSH = Map.of(
            "push.allow_insecure_endpoints", "true",
            "outbound.allowed_cidrs", "127.0.0.1/32",
            "push.retry_base", "50ms",
            "push.retry_max", "200ms",
            "push.subject", "mailto:ops@example.com");

    private FakePushService pushService;
    private TestServer server;

    @BeforeEach
    void startPushService() throws Exception {
        pushService = FakePushService.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        pushService.close();
    }

    private TestServer start(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(PUSH);
        o.putAll(extra);
        return TestServer.start(o);
    }

    private static Map<String, Object> subscription(String endpoint, BrowserKeys keys) {
        Map<String, Object> body = new HashMap<>();
        body.put("endpoint", endpoint);
        body.put("expirationTime", null);
        body.put("keys", Map.of("p256dh", keys.p256dh(), "auth", keys.auth()));
        return body;
    }

    private static Notification note(UUID userId, Team team, String body, Notification.Priority priority) {
        return new Notification(userId, team.workspaceId, team.general, UUID.randomUUID(), "Olive Owner in #general", body,
                priority, Instant.now());
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        io.parley.server.Await.until(WAIT, what, condition);
    }

    @Test
    void aPushIsEncryptedSignedAndDeliveredWithItsPayload() throws Exception {
        server = start(Map.of());
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        String key = http.get("/api/v1/push/vapid-public-key", bob.accessToken()).body().get("publicKey").asText();
        BrowserKeys browser = BrowserKeys.generate();
        String endpoint = pushService.endpointFor(browser);

        Http.Res created = http.post("/api/v1/push/subscriptions", subscription(endpoint, browser), bob.accessToken());
        assertEquals(201, created.status(), created.raw());
        JsonNode listed = http.get("/api/v1/push/subscriptions", bob.accessToken()).body().get("subscriptions");

        String longBody = "x".repeat(250);
        Notification n = note(bob.user().id(), team, longBody, Notification.Priority.NORMAL);
        server.server().push().send(n);
        FakePushService.Received r = pushService.next(WAIT);
        JsonNode p = r.payload();
        assertAll(
                () -> assertEquals(65, Base64Url.decode(key).length),
                () -> assertEquals(1, listed.size()),
                () -> assertEquals(endpoint, listed.get(0).get("endpoint").asText()),
                () -> assertNull(listed.get(0).get("keys"), "keys are not echoed"),
                () -> assertEquals(List.of(), r.problems()),
                () -> assertEquals(key, r.vapidKey(), "signed with the advertised key"),
                () -> assertEquals("normal", r.header("Urgency")),
                () -> assertTrue(Long.parseLong(r.header("TTL")) > 86_000 && Long.parseLong(r.header("TTL")) <= 86_400, r.header("TTL")),
                () -> assertEquals(team.general.toString().replace("-", ""), r.header("Topic")),
                () -> assertEquals("Olive Owner in #general", p.get("title").asText()),
                () -> assertEquals(100, p.get("body").asText().length()),
                () -> assertTrue(p.get("body").asText().endsWith("…")),
                () -> assertEquals(team.general.toString(), p.get("chatId").asText()),
                () -> assertEquals(n.messageId().toString(), p.get("messageId").asText()),
                () -> assertEquals("normal", p.get("priority").asText()),
                () -> assertEquals("/workspaces/" + team.workspaceId + "/chats/" + team.general + "?message=" + n.messageId(),
                        p.get("url").asText()));

        server.server().push().send(note(bob.user().id(), team, "now!", Notification.Priority.URGENT));
        FakePushService.Received urgent = pushService.next(WAIT);
        assertAll(
                () -> assertEquals(List.of(), urgent.problems()),
                () -> assertEquals("high", urgent.header("Urgency")),
                () -> assertNull(urgent.header("Topic")),
                () -> assertTrue(Long.parseLong(urgent.header("TTL")) <= 3600),
                () -> assertEquals("urgent", urgent.payload().get("priority").asText()),
                () -> assertEquals("now!", urgent.payload().get("body").asText()));

        // A user without subscriptions: nothing is sent.
        server.server().push().send(note(team.owner.user().id(), team, "nobody listens", Notification.Priority.NORMAL));
        assertNull(pushService.poll(Duration.ofMillis(300)));
    }

    @Test
    void goneSubscriptionsAreRemoved() throws Exception {
        server = start(Map.of());
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys browser = BrowserKeys.generate();
        assertEquals(201, http.post("/api/v1/push/subscriptions", subscription(pushService.endpointFor(browser), browser),
                bob.accessToken()).status());
        pushService.respond(410);

        server.server().push().send(note(bob.user().id(), team, "hello", Notification.Priority.NORMAL));
        assertEquals(410, pushService.next(WAIT).status());
        eventually("the subscription is removed",
                () -> http.get("/api/v1/push/subscriptions", bob.accessToken()).body().get("subscriptions").isEmpty());
        server.server().push().send(note(bob.user().id(), team, "again", Notification.Priority.NORMAL));
        assertNull(pushService.poll(Duration.ofMillis(300)), "nothing is sent to a removed subscription");
    }

    @Test
    void unavailablePushServicesAreRetriedWithBackoffAndGetTheMessageOnce() throws Exception {
        server = start(Map.of());
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys browser = BrowserKeys.generate();
        http.post("/api/v1/push/subscriptions", subscription(pushService.endpointFor(browser), browser), bob.accessToken());
        pushService.respond(503, 429, 201);

        Notification n = note(bob.user().id(), team, "retry me", Notification.Priority.NORMAL);
        server.server().push().send(n);
        FakePushService.Received first = pushService.next(WAIT);
        FakePushService.Received second = pushService.next(WAIT);
        FakePushService.Received third = pushService.next(WAIT);
        assertAll(
                () -> assertEquals(503, first.status()),
                () -> assertEquals(429, second.status()),
                () -> assertEquals(201, third.status()),
                () -> assertEquals(List.of(), third.problems()),
                () -> assertEquals(n.messageId().toString(), third.payload().get("messageId").asText()),
                // backoff: at least half of 50 ms, then at least half of 100 ms (equal jitter)
                () -> assertTrue(Duration.between(first.at(), second.at()).toMillis() >= 20, "first retry waited"),
                () -> assertTrue(Duration.between(second.at(), third.at()).toMillis() >= 45, "second retry waited longer"));
        assertNull(pushService.poll(Duration.ofMillis(500)), "delivered exactly once");
        assertEquals(3, pushService.requests());
    }

    @Test
    void aPushIsDroppedAfterMaxAttemptsOrWhenRefused() throws Exception {
        server = start(Map.of("push.max_attempts", "3"));
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys browser = BrowserKeys.generate();
        http.post("/api/v1/push/subscriptions", subscription(pushService.endpointFor(browser), browser), bob.accessToken());
        pushService.defaultStatus(500);

        server.server().push().send(note(bob.user().id(), team, "never arrives", Notification.Priority.NORMAL));
        for (int i = 0; i < 3; i++) assertEquals(500, pushService.next(WAIT).status());
        assertNull(pushService.poll(Duration.ofMillis(600)), "no fourth attempt");

        pushService.defaultStatus(400); // a refusal that retrying cannot fix
        server.server().push().send(note(bob.user().id(), team, "refused", Notification.Priority.NORMAL));
        assertEquals(400, pushService.next(WAIT).status());
        assertNull(pushService.poll(Duration.ofMillis(400)), "not retried");
        assertEquals(1, http.get("/api/v1/push/subscriptions", bob.accessToken()).body().get("subscriptions").size(),
                "the subscription stays");
    }

    @Test
    void theQueueSurvivesARestart(@TempDir Path data) throws Exception {
        Map<String, String> cfg = Map.of("store.data_dir", data.toString(), "push.max_attempts", "100");
        server = start(cfg);
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        String keyBefore = http.get("/api/v1/push/vapid-public-key", bob.accessToken()).body().get("publicKey").asText();
        BrowserKeys browser = BrowserKeys.generate();
        http.post("/api/v1/push/subscriptions", subscription(pushService.endpointFor(browser), browser), bob.accessToken());
        pushService.defaultStatus(503); // the push service is down

        Notification n = note(bob.user().id(), team, "survive", Notification.Priority.NORMAL);
        server.server().push().send(n);
        assertEquals(503, pushService.next(WAIT).status());
        server.close();
        server = null;
        while (pushService.poll(Duration.ofMillis(50)) != null) {
            // drain attempts made before the node stopped
        }

        pushService.defaultStatus(201); // the push service is back
        server = start(cfg);
        String keyAfter = new Http(server.baseUrl()).get("/api/v1/push/vapid-public-key", bob.accessToken()).body()
                .get("publicKey").asText();
        FakePushService.Received r = pushService.next(WAIT);
        assertAll(
                () -> assertEquals(keyBefore, keyAfter, "the VAPID key pair is kept"),
                () -> assertEquals(201, r.status()),
                () -> assertEquals(List.of(), r.problems()),
                () -> assertEquals(keyAfter, r.vapidKey()),
                () -> assertEquals(n.messageId().toString(), r.payload().get("messageId").asText()));
        assertNull(pushService.poll(Duration.ofMillis(300)), "delivered once");
    }

    @Test
    void badSubscriptionsAreRefusedNamingTheField() throws Exception {
        server = start(Map.of());
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        String token = team.owner.accessToken();
        BrowserKeys b = BrowserKeys.generate();
        String good = pushService.endpointFor(b);
        String shortPoint = Base64Url.encode(new byte[33]);
        byte[] offCurve = Base64Url.decode(b.p256dh());
        offCurve[64] ^= 1;
        Map<String, Object> missingKeys = new HashMap<>(Map.of("endpoint", good));
        Map<String, Object> unknownField = subscription(good, b);
        unknownField.put("colour", "blue");
        Map<Map<String, Object>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(subscription("not a url", b), "endpoint must be an absolute https URL");
        cases.put(subscription("https://push.example.com/" + "x".repeat(2100), b), "endpoint must be at most 2048 characters");
        cases.put(missingKeys, "keys is required");
        cases.put(unknownField, "unknown field 'colour'");
        cases.put(Map.of("endpoint", good, "keys", Map.of("p256dh", shortPoint, "auth", b.auth())),
                "keys.p256dh must be a 65-byte uncompressed P-256 point, base64url-encoded");
        cases.put(Map.of("endpoint", good, "keys", Map.of("p256dh", Base64Url.encode(offCurve), "auth", b.auth())),
                "keys.p256dh must be a 65-byte uncompressed P-256 point, base64url-encoded");
        cases.put(Map.of("endpoint", good, "keys", Map.of("p256dh", "!!!", "auth", b.auth())), "keys.p256dh must be base64url");
        cases.put(Map.of("endpoint", good, "keys", Map.of("p256dh", b.p256dh())), "keys.auth is required");
        cases.put(Map.of("endpoint", good, "keys", Map.of("p256dh", b.p256dh(), "auth", Base64Url.encode(new byte[8]))),
                "keys.auth must be 16 bytes, base64url-encoded");
        cases.put(Map.of("endpoint", good, "expirationTime", 1_000L, "keys", Map.of("p256dh", b.p256dh(), "auth", b.auth())),
                "expirationTime must be in the future");
        for (var c : cases.entrySet()) {
            Http.Res r = http.post("/api/v1/push/subscriptions", c.getKey(), token);
            assertEquals(400, r.status(), c.getValue() + ": " + r.raw());
            assertEquals("invalid_request", r.body().get("error").get("code").asText(), r.raw());
            assertEquals(c.getValue(), r.body().get("error").get("message").asText());
        }
        assertEquals(401, http.post("/api/v1/push/subscriptions", subscription(good, b), null).status());
        assertEquals(0, http.get("/api/v1/push/subscriptions", token).body().get("subscriptions").size());
    }

    @Test
    void onlyTheOwnerSeesAndRemovesASubscription() throws Exception {
        server = start(Map.of());
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        BrowserKeys b = BrowserKeys.generate();
        String endpoint = pushService.endpointFor(b);
        Http.Res created = http.post("/api/v1/push/subscriptions", subscription(endpoint, b), alice.accessToken());
        String id = created.body().get("subscription").get("id").asText();
        // The same browser subscribing again keeps its id.
        Http.Res again = http.post("/api/v1/push/subscriptions", subscription(endpoint, b), alice.accessToken());

        Http.Res bobDeletes = http.delete("/api/v1/push/subscriptions/" + id, bob.accessToken());
        JsonNode bobSees = http.get("/api/v1/push/subscriptions", bob.accessToken()).body().get("subscriptions");
        JsonNode aliceSees = http.get("/api/v1/push/subscriptions", alice.accessToken()).body().get("subscriptions");
        assertAll(
                () -> assertEquals(201, created.status()),
                () -> assertEquals(id, again.body().get("subscription").get("id").asText()),
                () -> assertEquals(404, bobDeletes.status()),
                () -> assertEquals(0, bobSees.size()),
                () -> assertEquals(1, aliceSees.size()),
                () -> assertEquals(400, http.delete("/api/v1/push/subscriptions/nope", alice.accessToken()).status()));
        assertEquals(204, http.delete("/api/v1/push/subscriptions/" + id, alice.accessToken()).status());
        assertEquals(404, http.delete("/api/v1/push/subscriptions/" + id, alice.accessToken()).status());
        assertFalse(http.get("/api/v1/push/subscriptions", alice.accessToken()).body().get("subscriptions").elements().hasNext());

        // The browser moves to bob (another sign-in on the same browser): alice loses it, bob gets it.
        assertEquals(201, http.post("/api/v1/push/subscriptions", subscription(endpoint, b), alice.accessToken()).status());
        assertEquals(201, http.post("/api/v1/push/subscriptions", subscription(endpoint, b), bob.accessToken()).status());
        assertEquals(0, http.get("/api/v1/push/subscriptions", alice.accessToken()).body().get("subscriptions").size());
        assertNotNull(http.get("/api/v1/push/subscriptions", bob.accessToken()).body().get("subscriptions").get(0));
    }
}
