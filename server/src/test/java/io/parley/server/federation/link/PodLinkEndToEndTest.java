package io.parley.server.federation.link;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.workspace.Role;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods linked through their admin APIs, end to end over real HTTP: two and three whole Parley servers in this JVM,
 * each on its own SQLite data directory and pod id. Covers the handshake, the refusals of pod requests (each code
 * and its counter), invitations that are expired, reused or not invitations at all, unlinking, overrides, the
 * clock skew flag, and a damaged key file.
 */
@Timeout(60)
class PodLinkEndToEndTest {
    private static final HttpClient RAW = HttpClient.newHttpClient();
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    @Test
    void twoPodsLinkThroughTheAdminApiAndShowEachOtherInHealthAndMetrics() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        JsonNode inv = a.invite();
        JsonNode decoded = Http.JSON.readTree(Base64.getUrlDecoder().decode(inv.get("invitation").asText()));
        assertAll(
                () -> assertEquals("pod-a", decoded.get("podId").asText()),
                () -> assertEquals(a.server().baseUrl(), decoded.get("url").asText()),
                () -> assertEquals(a.federation().identity().publicKeyText(), decoded.get("publicKey").asText()),
                () -> assertTrue(decoded.get("token").asText().length() >= 32));

        Http.Res linked = b.accept(inv.get("invitation").asText());
        assertEquals(201, linked.status(), linked.raw());
        assertEquals("pod-a", linked.body().get("peer").get("id").asText());
        Await.until(Duration.ofSeconds(10), "both alive with heartbeats answered",
                () -> "alive".equals(a.state("pod-b")) && "alive".equals(b.state("pod-a"))
                        && a.federation().health().health("pod-b").lastSeen() != null
                        && b.federation().health().health("pod-a").lastSeen() != null);

        JsonNode seenByA = a.peer("pod-b");
        JsonNode health = a.http().get("/health", null).body().get("pods");
        String metrics = a.metrics();
        assertAll(
                () -> assertEquals(b.server().baseUrl(), seenByA.get("url").asText()),
                () -> assertEquals(b.federation().identity().publicKeyText(), seenByA.get("publicKey").asText()),
                () -> assertEquals("we_invited", seenByA.get("direction").asText()),
                () -> assertEquals("they_invited", b.peer("pod-a").get("direction").asText()),
                () -> assertFalse(seenByA.get("skewed").asBoolean()),
                () -> assertTrue(seenByA.get("clockOffsetMs").isNumber(), seenByA.toString()),
                () -> assertEquals("pod-a", health.get("id").asText()),
                () -> assertEquals("alive", health.get("peers").get("pod-b").get("state").asText()),
                () -> assertFalse(health.get("peers").get("pod-b").get("skewed").asBoolean()),
                () -> assertEquals(0, Pods.metric(metrics, "parley_pod_peer_state", "peer", "pod-b")),
                () -> assertTrue(Pods.metric(metrics, "parley_pod_peer_score", "peer", "pod-b") > 0, metrics));
    }

    @Test
    void threePodsLinkPairwiseAndEachSeesTheOtherTwoAlive() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        Pods.linkAll(a, b, c);
        for (Pods.Pod p : List.of(a, b, c)) {
            Http.Res r = p.http().get("/api/v1/admin/pod/peers", p.admin());
            assertEquals(2, r.body().get("peers").size(), p.id() + ": " + r.raw());
            for (JsonNode peer : r.body().get("peers")) assertEquals("alive", peer.get("state").asText(), p.id() + ": " + peer);
        }
    }

    @Test
    void forgedReplayedStaleUnknownAndUnsignedRequestsAreRefusedAndCounted() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        // Counted from here: while the link was being made, a heartbeat of pod-a's could reach pod-b before pod-b had
        // stored pod-a (an unknown_pod refusal that belongs to the linking, not to this test).
        String before = b.metrics();
        PodIdentity aKey = a.federation().identity();
        byte[] body = "{\"sentAt\":1}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();

        // A well-signed heartbeat from pod-a, sent twice: the second is a replay.
        Signed good = sign(aKey.id(), k -> aKey.sign(k), body, now, "pod-b");
        HttpResponse<String> first = post(b, good, body);
        HttpResponse<String> replay = post(b, good, body);
        // pod-a's id with a key that is not pod-a's: a forgery.
        KeyPair other = Ed25519.generate();
        HttpResponse<String> forged = post(b, sign("pod-a", k -> Ed25519.sign(other.getPrivate(), k), body, now, "pod-b"), body);
        // Signed for another recipient: the signature does not cover "pod-b".
        HttpResponse<String> misdirected = post(b, sign("pod-a", k -> aKey.sign(k), body, now, "pod-c"), body);
        // A minute old: stale, whatever the signature.
        HttpResponse<String> stale = post(b, sign("pod-a", k -> aKey.sign(k), body, now - 60_000, "pod-b"), body);
        HttpResponse<String> unknown = post(b, sign("stranger", k -> Ed25519.sign(other.getPrivate(), k), body, now, "pod-b"), body);
        HttpResponse<String> unsigned = RAW.send(HttpRequest.newBuilder(URI.create(b.server().baseUrl() + "/pod/v1/heartbeat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        // A good signature over another body: tampered in transit.
        Signed tampered = sign("pod-a", k -> aKey.sign(k), body, now, "pod-b");
        HttpResponse<String> changed = post(b, tampered, "{\"sentAt\":2}".getBytes(StandardCharsets.UTF_8));

        String metrics = b.metrics();
        assertAll(
                () -> assertEquals(200, first.statusCode(), first.body()),
                () -> assertEquals("pod-b", first.headers().firstValue("Parley-Pod").orElse(null), "the reply is signed"),
                () -> assertRefused(replay, "replayed_request"),
                () -> assertRefused(forged, "bad_signature"),
                () -> assertRefused(misdirected, "bad_signature"),
                () -> assertRefused(stale, "stale_request"),
                () -> assertRefused(unknown, "unknown_pod"),
                () -> assertRefused(unsigned, "bad_signature"),
                () -> assertRefused(changed, "bad_signature"),
                () -> assertEquals(1, rejected(before, metrics, "replayed_request"), metrics),
                () -> assertEquals(4, rejected(before, metrics, "bad_signature"), metrics),
                () -> assertEquals(1, rejected(before, metrics, "stale_request"), metrics),
                () -> assertEquals(1, rejected(before, metrics, "unknown_pod"), metrics),
                () -> assertEquals("alive", b.state("pod-a"), "the link itself is unharmed"));
    }

    /** {@return how many pod requests were refused for the reason between two scrapes} */
    private static double rejected(String before, String after, String reason) {
        return Pods.metric(after, "parley_pod_requests_rejected_total", "reason", reason)
                - Math.max(0, Pods.metric(before, "parley_pod_requests_rejected_total", "reason", reason));
    }

    @Test
    void expiredReusedForeignAndMalformedInvitationsAreRefused() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        String once = a.invite().get("invitation").asText();
        assertEquals(201, b.accept(once).status());
        Http.Res reused = c.accept(once);

        Http.Res shortLived = a.http().post("/api/v1/admin/pod/invitations", Map.of("expiresIn", 1), a.admin());
        assertEquals(201, shortLived.status(), shortLived.raw());
        java.time.Instant expiry = java.time.Instant.parse(shortLived.body().get("expiresAt").asText());
        Await.until(Duration.ofSeconds(5), "the invitation to expire", () -> java.time.Instant.now().isAfter(expiry));
        Http.Res expired = c.accept(shortLived.body().get("invitation").asText());

        Http.Res own = a.accept(a.invite().get("invitation").asText());
        Http.Res garbage = c.accept("bm90IGFuIGludml0YXRpb24");
        Http.Res tooLong = a.http().post("/api/v1/admin/pod/invitations", Map.of("expiresIn", 30 * 86400), a.admin());
        String metrics = a.metrics();
        assertAll(
                () -> assertEquals(400, reused.status(), reused.raw()),
                () -> assertEquals("invalid_invitation", reused.body().get("error").get("code").asText()),
                () -> assertEquals(410, expired.status(), expired.raw()),
                () -> assertEquals("expired_invitation", expired.body().get("error").get("code").asText()),
                () -> assertEquals("pod_id_conflict", own.body().get("error").get("code").asText(), own.raw()),
                () -> assertEquals("invalid_invitation", garbage.body().get("error").get("code").asText()),
                () -> assertEquals(400, tooLong.status()),
                () -> assertNull(c.peer("pod-a"), "nothing was linked"),
                () -> assertNull(a.peer("pod-c")),
                () -> assertEquals(1, Pods.metric(metrics, "parley_pod_requests_rejected_total", "reason", "invalid_invitation")));
    }

    @Test
    void anInviterSideExpiryIsRefusedEvenWhenTheAccepterClockDisagrees() throws Exception {
        // pod-b's clock runs 3 s behind (within the request window): it believes the invitation is still good; pod-a does not.
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b", Map.of("pod.clock_offset", "-3s", "pod.max_clock_skew", "5s"));
        Http.Res inv = a.http().post("/api/v1/admin/pod/invitations", Map.of("expiresIn", 1), a.admin());
        java.time.Instant expiry = java.time.Instant.parse(inv.body().get("expiresAt").asText());
        Await.until(Duration.ofSeconds(5), "the invitation to expire", () -> java.time.Instant.now().isAfter(expiry.plusMillis(100)));
        Http.Res r = b.accept(inv.body().get("invitation").asText());
        assertEquals("expired_invitation", r.body().get("error").get("code").asText(), r.raw());
    }

    @Test
    void onlyPodAdminsManageLinks() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Team team = a.team();
        String member = team.add("mel", Role.MEMBER).accessToken();
        String admin = team.add("ada", Role.ADMIN).accessToken();
        assertAll(
                () -> assertEquals(403, a.http().post("/api/v1/admin/pod/invitations", Map.of(), member).status()),
                () -> assertEquals(403, a.http().get("/api/v1/admin/pod/peers", member).status()),
                () -> assertEquals(401, a.http().get("/api/v1/admin/pod/peers", null).status()),
                () -> assertEquals(201, a.http().post("/api/v1/admin/pod/invitations", Map.of(), admin).status()));
    }

    @Test
    void unlinkingRemovesThePeerOnBothSidesAndOverridesFixTheScore() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        Http.Res set = a.http().put("/api/v1/admin/pod/peers/pod-b/override", Map.of("score", 10), a.admin());
        assertEquals(200, set.status(), set.raw());
        assertEquals(10, set.body().get("peer").get("score").asInt());
        assertEquals(10, Pods.metric(a.metrics(), "parley_pod_peer_score", "peer", "pod-b"));
        java.util.Map<String, Object> clear = new java.util.HashMap<>();
        clear.put("score", null);
        Http.Res cleared = a.http().put("/api/v1/admin/pod/peers/pod-b/override", clear, a.admin());
        assertFalse(cleared.body().get("peer").has("override"), cleared.raw()); // nulls are left out
        assertEquals(400, a.http().put("/api/v1/admin/pod/peers/pod-b/override", Map.of("score", 101), a.admin()).status());
        assertEquals(404, a.http().put("/api/v1/admin/pod/peers/nobody/override", Map.of("score", 1), a.admin()).status());

        assertEquals(204, a.http().delete("/api/v1/admin/pod/peers/pod-b", a.admin()).status());
        assertNull(a.peer("pod-b"));
        Await.until(Duration.ofSeconds(5), "pod-b to drop pod-a too", () -> b.peer("pod-a") == null);
        Await.until(Duration.ofSeconds(5), "the gauges to go", () -> Pods.metric(a.metrics(), "parley_pod_peer_score", "peer", "pod-b") < 0);
        assertEquals(404, a.http().delete("/api/v1/admin/pod/peers/pod-b", a.admin()).status());
    }

    @Test
    void aPodWithASkewedClockIsFlaggedByItsPeer() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b", Map.of("pod.clock_offset", "5s")); // max_clock_skew stays at its 2 s default
        Pods.link(a, b);
        Await.until(Duration.ofSeconds(10), "pod-a to flag pod-b skewed", () -> a.federation().clockSkewed("pod-b"));
        JsonNode seen = a.peer("pod-b");
        JsonNode health = a.http().get("/health", null).body().get("pods").get("peers").get("pod-b");
        assertAll(
                () -> assertTrue(seen.get("skewed").asBoolean()),
                () -> assertTrue(Math.abs(seen.get("clockOffsetMs").asLong() - 5_000) < 500, seen.toString()),
                () -> assertTrue(health.get("skewed").asBoolean()),
                () -> assertEquals("alive", seen.get("state").asText(), "skewed is not dead: requests are still within the window"),
                () -> assertTrue(b.federation().clockSkewed("pod-a"), "and pod-b sees pod-a 5 s behind"));
        Pods.Pod c = open.pod("pod-c");
        Pods.link(a, c);
        assertFalse(a.federation().clockSkewed("pod-c"), "a pod in step is not flagged");
    }

    @Test
    void theKeyIsMadeOnceOwnerOnlyAndADamagedKeyFileStopsTheStart() throws Exception {
        TestServer first = TestServer.start(Map.of("pod.id", "pod-k"));
        Path file = first.dataDir().resolve(PodKeyFile.NAME);
        String key = first.server().federation().identity().publicKeyText();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        TestServer again = TestServer.restart(first);
        assertEquals(key, again.server().federation().identity().publicKeyText(), "the same key after a restart");
        again.stop();

        String json = Files.readString(file);
        JsonNode n = Http.JSON.readTree(json);
        String priv = n.get("privateKey").asText();
        char flipped = priv.charAt(priv.length() - 3) == 'A' ? 'B' : 'A';
        Files.writeString(file, json.replace(priv, priv.substring(0, priv.length() - 3) + flipped + priv.substring(priv.length() - 2)));
        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServer.restart(again));
        Throwable cause = e;
        while (!(cause instanceof PodKeyException) && cause.getCause() != null) cause = cause.getCause();
        String message = cause.getMessage();
        assertAll(
                () -> assertTrue(message.contains(file.toString()), message),
                () -> assertTrue(message.contains("damaged"), message),
                () -> assertTrue(message.contains("checksum"), message));

        Files.writeString(file, "{\"version\":1,");
        Throwable notJson = assertThrows(RuntimeException.class, () -> TestServer.restart(again));
        while (!(notJson instanceof PodKeyException) && notJson.getCause() != null) notJson = notJson.getCause();
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
        Files.delete(file);
        open.add(TestServer.restart(again)); // removing the key gives the pod a new identity
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Signed(String pod, long timestamp, String nonce, String signature) {}

    private static Signed sign(String pod, java.util.function.Function<byte[], byte[]> signer, byte[] body, long ts, String recipient) {
        String nonce = Signing.nonce();
        byte[] sig = signer.apply(Signing.request("POST", "/pod/v1/heartbeat", body, ts, nonce, recipient));
        return new Signed(pod, ts, nonce, Ed25519.b64(sig));
    }

    private static HttpResponse<String> post(Pods.Pod to, Signed s, byte[] body) throws Exception {
        return RAW.send(HttpRequest.newBuilder(URI.create(to.server().baseUrl() + "/pod/v1/heartbeat"))
                .header("Content-Type", "application/json").header("Parley-Pod", s.pod())
                .header("Parley-Timestamp", Long.toString(s.timestamp())).header("Parley-Nonce", s.nonce())
                .header("Parley-Signature", s.signature()).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> r, String code) throws Exception {
        assertEquals(401, r.statusCode(), r.body());
        JsonNode n = Http.JSON.readTree(r.body());
        assertNotNull(n, r.body());
        assertEquals(code, n.get("error").get("code").asText(), r.body());
    }
}
