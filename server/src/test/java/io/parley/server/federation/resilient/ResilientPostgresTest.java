package io.parley.server.federation.resilient;

import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PeerAddress;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.Orgs3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica on PostgreSQL: the handshake, the sealed replica log, serving it opened and forgetting it (V70 on PostgreSQL). */
@Timeout(90)
class ResilientPostgresTest {
    @Test
    void aReplicaOnPostgresHoldsAndForgetsTheSealedLog() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> pg = new HashMap<>(schema.serverConfig());
            try (Pods.Pod a = Pods.start("pod-a"); Pods.Pod b = Pods.of("pod-b", TestServer.start(with(pg)))) {
                Pods.link(a, b);
                Orgs3.Shared s = Orgs3.share("pg", a, b);
                Orgs3.post(a, s.chats().get(0), "kept sealed on PostgreSQL");
                Http.Res put = a.http().put(s.path() + "/resilience", Map.of("replicas", List.of("pod-b")), a.admin());
                assertEquals(200, put.status(), put.raw());
                Await.until(Duration.ofSeconds(20), "the PostgreSQL replica to hold the message", () -> {
                    Http.Res r = b.http().get(s.path() + "/replica", b.admin());
                    if (r.status() != 200) return false;
                    List<String> contents = new ArrayList<>();
                    r.body().get("messages").forEach(m -> contents.add(m.path("content").asText()));
                    return contents.contains("kept sealed on PostgreSQL");
                });
                assertTrue(b.http().get(s.path() + "/resilience", b.admin()).body().get("resilience").get("storedBytes").asLong() > 0);
                assertEquals(204, a.http().delete(s.path() + "/resilience", a.admin()).status());
                Await.until(Duration.ofSeconds(20), "the replica to forget it", () -> b.http().get(s.path() + "/resilience", b.admin()).status() == 404);
            }
        }
    }

    /**
     * On a scaled-out replica pod the primary's two handshake calls may reach two nodes: the offer one, the wrapped
     * key another. The replica's half of the exchange is in the shared store, so the second node completes it.
     */
    @Test
    void theKeyExchangeCompletesOnAnotherNodeOfTheReplicaPod() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> pg = new HashMap<>(schema.serverConfig());
            try (Pods.Pod a = Pods.start("pod-a"); Pods.Pod b = Pods.of("pod-b", TestServer.start(with(pg)));
                 TestServer b2 = TestServer.start(with(pg))) {
                Pods.link(a, b);
                Orgs3.Shared s = Orgs3.share("two-nodes", a, b);
                var key = b.federation().identity().publicKey();
                PeerAddress nodeOne = new PeerAddress("pod-b", b.server().baseUrl(), key);
                PeerAddress nodeTwo = new PeerAddress("pod-b", b2.baseUrl(), key);
                var config = new ResilientWire.Config(s.orgChannelId(), s.orgId(), "pod-a", List.of("pod-b"), ResilientChannels.CLASS_MESSAGES,
                        true, null, 1, "pod-a", 0);
                PodResult offered = a.federation().client().sendAsync(nodeOne, ResilientWire.OFFER,
                        PodClient.json(new ResilientWire.Offer(config, 0)), Duration.ofSeconds(10), PodClient.Report.NONE).join();
                assertTrue(offered instanceof PodResult.Ok, offered.toString());
                ResilientWire.OfferReply reply = ((PodResult.Ok) offered).json(ResilientWire.OfferReply.class);
                assertTrue(reply.accepted(), reply.toString());
                var mine = ResilientCrypto.x25519();
                byte[] salt = ResilientCrypto.random(16);
                byte[] kek = ResilientCrypto.wrappingKey(mine.getPrivate(), ResilientCrypto.publicOf(reply.x25519()), salt,
                        s.orgChannelId() + "\npod-a\npod-b");
                byte[] wrapped = ResilientCrypto.seal(kek, ResilientCrypto.random(32), s.orgChannelId());
                byte[] call = PodClient.json(new ResilientWire.KeyCall(s.orgChannelId(), ResilientCrypto.publicText(mine.getPublic()),
                        Ed25519.b64(salt), Ed25519.b64(wrapped)));
                PodResult taken = a.federation().client().sendAsync(nodeTwo, ResilientWire.KEY, call, Duration.ofSeconds(10), PodClient.Report.NONE).join();
                assertTrue(taken instanceof PodResult.Ok, "node two completes the exchange node one began: " + taken);
                // Both nodes now show the channel's key held; the exchange was used once.
                Http.Res view = new Http(b2.baseUrl()).get(s.path() + "/resilience", b.admin());
                assertEquals(200, view.status(), view.raw());
                List<String> outcomes = new ArrayList<>();
                view.body().get("resilience").get("offers").forEach(o -> outcomes.add(o.path("status").asText() + ":" + o.path("reason").asText("")));
                assertTrue(outcomes.contains("accepted:"), outcomes.toString());
                PodResult again = a.federation().client().sendAsync(nodeOne, ResilientWire.KEY, call, Duration.ofSeconds(10), PodClient.Report.NONE).join();
                assertTrue(again instanceof PodResult.Failed f && f.status() == 400, "a key exchange is used once: " + again);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> pg) {
        Map<String, String> o = new HashMap<>(pg);
        o.put("pod.id", "pod-b");
        o.put("pod.heartbeat_interval", Pods.INTERVAL.toMillis() + "ms");
        o.put("pod.dead_after_missed", Integer.toString(Pods.MISSED));
        o.put("pod.grace", Pods.GRACE.toMillis() + "ms");
        return o;
    }
}
