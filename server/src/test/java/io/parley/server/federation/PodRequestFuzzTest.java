package io.parley.server.federation;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.Heartbeats;
import io.parley.server.federation.link.InboundAuth;
import io.parley.server.federation.link.Peer;
import io.parley.server.federation.link.Peering;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.PodSettings;
import io.parley.server.federation.link.PodStore;
import io.parley.server.federation.link.Signing;
import io.parley.server.federation.link.StoredKey;
import io.parley.server.federation.org.OrgEnvelope;
import io.parley.server.federation.org.OrgWire;
import io.parley.server.federation.resilient.ResilientWire;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Json;
import io.parley.server.http.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the inbound pod API as a peer (or an attacker) reaches it: a signed POST under {@code /pod/v1/}, through the
 * real {@link PodRoutes} and {@link InboundAuth} of a {@link Federation} (its heartbeat and peering handlers too), on a
 * store with two linked peers. The org and resilient-channel routes are registered with handlers that read their
 * bodies as the real ones do, and for deliveries open the origin's envelope ({@link OrgEnvelope#open}) and check every
 * op ({@link OrgEnvelope#validate}); what the real ones do next needs the database.
 *
 * <p>The input picks the route, how the request is signed (validly by either peer, by an unknown pod, with a wrong
 * key, with a skewed clock, or headers as any text), whether a delivery's body is a batch sealed in a validly signed
 * envelope, and whether the same request is sent twice; the rest is the body (or the sealed batch).
 *
 * <p>Property: every answer is below 500 (the routes answer any other exception with 500); a 401 says one of the
 * signature codes; an answer to a request with well-formed signature headers is signed by this pod for that request;
 * a validly signed request is authenticated, and the same request again is refused as {@code replayed_request}.
 *
 * <p>Kept seeds: {@code PodRequestFuzzTestInputs/handle/} (every finding).
 */
class PodRequestFuzzTest {
    private static final String ME = "pod-a";
    private static final String PEER = "pod-b";
    private static final String RELAY = "pod-c";
    private static final String STRANGER = "pod-x";
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final KeyPair MY_KEYS = keys(1);
    private static final Map<String, KeyPair> KEYS = Map.of(PEER, keys(2), RELAY, keys(3), STRANGER, keys(4));
    private static final Set<ErrorCode> AUTH = Set.of(ErrorCode.UNKNOWN_POD, ErrorCode.BAD_SIGNATURE, ErrorCode.STALE_REQUEST,
            ErrorCode.REPLAYED_REQUEST);
    private static final List<String> PATHS = List.of(Heartbeats.PATH, Peering.ACCEPT, Peering.UNLINK, OrgWire.EVENTS,
            OrgWire.RELAYED, OrgWire.RELAY, OrgWire.SYNC, OrgWire.MAPPED, ResilientWire.OFFER, ResilientWire.KEY,
            ResilientWire.OPS, ResilientWire.CONFIG, ResilientWire.LEASE, ResilientWire.PULL, ResilientWire.DIGESTS,
            ResilientWire.RESEND, ResilientWire.REVOKE);

    /** How a request is signed. */
    private enum Signer { PEER, RELAY, STRANGER, WRONG_KEY, SKEWED, RAW }

    private static final OnePodStore store = new OnePodStore();
    private static final Router router = new Router();
    private static Federation federation;

    @BeforeAll
    static void pod() {
        federation = Federation.open(new PodSettings(ME, Duration.ofSeconds(5), 3, Duration.ofSeconds(30), Duration.ofSeconds(5),
                        WINDOW, Duration.ZERO), Path.of("unused"), true, store, Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry(), router, () -> "https://a.example");
        PodRoutes routes = federation.routes();
        routes.handle(OrgWire.EVENTS, OrgWire.Delivery.class, (from, d) -> PodReply.ok(open(from, d, false)));
        routes.handle(OrgWire.RELAYED, OrgWire.Delivery.class, (from, d) -> PodReply.ok(open(from, d, true)));
        routes.handle(OrgWire.RELAY, OrgWire.RelayCall.class, (from, call) -> ack());
        routes.handle(OrgWire.SYNC, OrgWire.OrgState.class, (from, state) -> ack());
        routes.handle(OrgWire.MAPPED, OrgWire.Mapped.class, (from, m) -> ack());
        routes.handle(ResilientWire.OFFER, ResilientWire.Offer.class, (from, o) -> ack());
        routes.handle(ResilientWire.KEY, ResilientWire.KeyCall.class, (from, k) -> ack());
        routes.handle(ResilientWire.OPS, ResilientWire.Ops.class, (from, o) -> ack());
        routes.handle(ResilientWire.CONFIG, ResilientWire.Config.class, (from, c) -> ack());
        routes.handle(ResilientWire.LEASE, ResilientWire.LeaseMsg.class, (from, l) -> ack());
        routes.handle(ResilientWire.PULL, ResilientWire.Pull.class, (from, p) -> ack());
        routes.handle(ResilientWire.DIGESTS, ResilientWire.DigestsCall.class, (from, c) -> ack());
        routes.handle(ResilientWire.RESEND, ResilientWire.Resend.class, (from, c) -> ack());
        routes.handle(ResilientWire.REVOKE, ResilientWire.Revoke.class, (from, r) -> ack());
    }

    @AfterAll
    static void close() {
        federation.close();
    }

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"\"orgId\"", "\"envelope\"", "\"origin\"", "\"body\"", "\"signature\"", "\"orgChannelId\"", "\"to\"",
            "\"events\"", "\"seq\"", "\"op\"", "\"post\"", "\"edit\"", "\"delete\"", "\"react.add\"", "\"react.remove\"",
            "\"messageId\"", "\"messagePod\"", "\"hlc\"", "\"at\"", "\"author\"", "\"id\"", "\"handle\"", "\"name\"", "\"content\"",
            "\"threadRoot\"", "\"threadRootPod\"", "\"emoji\"", "\"files\"", "\"contentType\"", "\"size\"", "\"sha256\"",
            "\"thumbSha256\"", "\"width\"", "\"height\"", "\"pod-a\"", "\"pod-b\"", "\"org-1\"", "\"sentAt\"", "\"tlsPin\"",
            "\"token\"", "\"podId\"", "\"url\"", "\"publicKey\"", "\"sha256/\"", "\"https://b.example\"",
            "\"00000000-0000-7000-8000-000000000000\"", "\"config\"", "\"replicas\"", "\"sealed\"", "\"ops\"", "\"term\"",
            "\"afterSeq\"", "\"limit\"", "image/png"})
    void handle(FuzzedDataProvider data) throws Exception {
        store.forgetNonces();
        String path = data.pickValue(PATHS);
        Signer signer = data.pickValue(Signer.values());
        boolean sealed = data.consumeBoolean();
        boolean twice = data.consumeBoolean();
        long skew = data.consumeLong();
        String[] raw = signer == Signer.RAW ? new String[]{data.consumeString(70), data.consumeString(25), data.consumeString(70),
                data.consumeString(100)} : null;
        byte[] payload = data.consumeRemainingAsBytes();
        byte[] body = sealed && (path.equals(OrgWire.EVENTS) || path.equals(OrgWire.RELAYED))
                ? delivery(payload) : payload;

        HttpRequest request = request(path, body, signer, skew, raw);
        HttpResponse first = call(request);
        boolean valid = signer == Signer.PEER || signer == Signer.RELAY || (signer == Signer.SKEWED && skew >= -WINDOW.toMillis() && skew <= WINDOW.toMillis());
        if (valid && !path.equals(Peering.ACCEPT)) { // the peering call is signed by the key in its body, not a linked one
            assertNotEquals(401, first.status(), () -> "a validly signed request is authenticated: " + text(first));
            if (twice) {
                HttpResponse again = call(request);
                assertEquals(401, again.status());
                assertEquals(ErrorCode.REPLAYED_REQUEST.wire(), code(again), "the same request again is a replay");
            }
        }
    }

    // ---- the request ---------------------------------------------------------------------------------------------

    private static HttpRequest request(String path, byte[] body, Signer signer, long skew, String[] raw) {
        Map<String, String> headers = new HashMap<>();
        if (signer == Signer.RAW) {
            headers.put("parley-pod", raw[0]);
            headers.put("parley-timestamp", raw[1]);
            headers.put("parley-nonce", raw[2]);
            headers.put("parley-signature", raw[3]);
        } else {
            String pod = switch (signer) {
                case RELAY -> RELAY;
                case STRANGER -> STRANGER;
                default -> PEER;
            };
            KeyPair key = KEYS.get(signer == Signer.WRONG_KEY ? STRANGER : pod);
            long ts = NOW.toEpochMilli() + (signer == Signer.SKEWED ? skew : 0);
            String nonce = Signing.nonce();
            headers.put("parley-pod", pod);
            headers.put("parley-timestamp", Long.toString(ts));
            headers.put("parley-nonce", nonce);
            headers.put("parley-signature", Ed25519.b64(Ed25519.sign(key.getPrivate(), Signing.request("POST", path, body, ts, nonce, ME))));
        }
        headers.put("content-type", "application/json");
        return new HttpRequest("POST", path, Map.of(), headers, body, Map.of(), "127.0.0.1");
    }

    /** {@return a delivery of the bytes as a batch that {@link #PEER} sealed for this pod} */
    private static byte[] delivery(byte[] batch) {
        String signature = Ed25519.b64(Ed25519.sign(KEYS.get(PEER).getPrivate(), OrgEnvelope.envelopeSigned(PEER, ME, batch)));
        return PodClient.json(new OrgWire.Delivery("org-1", new OrgWire.Envelope(PEER, Ed25519.b64(batch), signature)));
    }

    /** Sends the request through the router as the HTTP edge does, and checks what every answer must be. */
    private static HttpResponse call(HttpRequest request) throws Exception {
        Router.Match.Found found = assertInstanceOf(Router.Match.Found.class, router.match("POST", request.path()));
        HttpResponse r = found.handler().handle(request.withPathParams(found.params()));
        assertTrue(r.status() < 500, () -> "a 5xx: " + text(r));
        if (r.status() == 401) assertTrue(AUTH.stream().anyMatch(c -> c.wire().equals(code(r))), () -> "a 401 says why: " + text(r));
        String signature = r.headers().get(Signing.SIGNATURE);
        if (signature != null) {
            assertEquals(ME, r.headers().get(Signing.POD));
            byte[] signed = Signing.reply(r.status(), r.body(), request.header("parley-nonce"), request.header("parley-pod"));
            assertTrue(Ed25519.verify(MY_KEYS.getPublic(), signed, Ed25519.unb64(signature)), "the answer is signed for the request");
        }
        return r;
    }

    // ---- the handlers the database would be behind ------------------------------------------------------------------

    /** What {@code OrgInbound.receive} checks before it looks at the org's channels: the envelope and every op. */
    private static OrgWire.BatchReply open(String from, OrgWire.Delivery d, boolean relayed) {
        OrgWire.Envelope env = d.envelope();
        if (d.orgId() == null || env == null || env.origin() == null || env.body() == null || env.signature() == null) {
            throw ParleyException.invalid("orgId and envelope {origin, body, signature} are required");
        }
        PublicKey key = federation.peers().key(env.origin()).orElseThrow(() -> ParleyException.forbidden("not linked"));
        OrgWire.Batch batch = OrgEnvelope.open(d, ME, key, relayed, from);
        List<OrgWire.Event> events = batch.events() == null ? List.of() : batch.events();
        if (events.size() > OrgEnvelope.MAX_EVENTS) throw ParleyException.invalid("too many events");
        for (OrgWire.Event e : events) OrgEnvelope.validate(e, batch.origin());
        return new OrgWire.BatchReply("applied", events.size(), 0, 0);
    }

    private static PodReply ack() {
        return PodReply.ok(new ResilientWire.Ack("ok"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String code(HttpResponse r) {
        try {
            JsonNode n = Json.MAPPER.readTree(r.body());
            return n.path("error").path("code").asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String text(HttpResponse r) {
        return r.status() + " " + (r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8));
    }

    /** {@return the same Ed25519 key pair on every run for the same seed, so a finding replays alike} */
    private static KeyPair keys(int seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(("parley-fuzz-" + seed).getBytes(StandardCharsets.UTF_8));
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The pod's store for the target: this pod's key, the two linked peers, and the nonces of one input. Nothing else
     * is kept (a link, an unlink, a new pin), so every input meets the same pod.
     */
    private static final class OnePodStore implements PodStore {
        private final StoredKey identity = StoredKey.seal(MY_KEYS, NOW);
        private final Map<String, Peer> peers = Map.of(
                PEER, new Peer(PEER, "https://b.example", Ed25519.text(KEYS.get(PEER).getPublic()), NOW, Peer.Direction.WE_INVITED, null),
                RELAY, new Peer(RELAY, "https://c.example", Ed25519.text(KEYS.get(RELAY).getPublic()), NOW, Peer.Direction.THEY_INVITED, null));
        private final Set<String> nonces = new HashSet<>();

        void forgetNonces() { nonces.clear(); }

        @Override public Optional<StoredKey> identity() { return Optional.of(identity); }
        @Override public StoredKey createIdentityIfAbsent(StoredKey fresh) { return identity; }
        @Override public void insertInvitation(PodStore.Invitation invitation) { }
        @Override public InvitationUse linkByInvitation(String tokenHash, Peer peer, Instant now) { return InvitationUse.UNKNOWN; }
        @Override public List<Peer> peers() { return List.copyOf(peers.values()); }
        @Override public Optional<Peer> peer(String id) { return Optional.ofNullable(peers.get(id)); }
        @Override public void savePeer(Peer peer) { }
        @Override public boolean deletePeer(String id) { return peers.containsKey(id); }
        @Override public boolean setScoreOverride(String id, Integer score) { return peers.containsKey(id); }
        @Override public boolean rememberNonce(String podId, String nonce, Instant expiresAt) { return nonces.add(podId + " " + nonce); }
        @Override public int purgeNonces(Instant now) { return 0; }
        @Override public boolean isPodAdmin(UUID userId) { return false; }
    }
}
