package io.parley.server.federation.resilient;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import io.parley.server.federation.org.Orgs3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17 §1: a scaled-out primary pod (two nodes on one PostgreSQL schema and NATS) feeds its resilient channel's
 * replica from one node only, the one with the pod's duties; a post made on the other node is acked only once the
 * replica holds it (that node reads the stored cursors); when the feeding node stops, the other takes the duties
 * within the lease's expiry and feeds the later posts.
 */
@Timeout(120)
class ResilientFeedDutiesPostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FED = "parley_pod_replica_feed_ops";

    @Test
    void oneNodeFeedsTheReplicaAndAnotherTakesOverWhenItStops() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> cfg = Pods.nodeConfig("pod-a", schema.serverConfig());
            TestServer first = TestServer.start(cfg);
            try (TestServer second = TestServer.start(cfg); Pods.Pod b = Pods.start("pod-b")) {
                Pods.Pod a1 = Pods.of("pod-a", first);
                Pods.Pod a2 = new Pods.Pod("pod-a", second, new Http(second.baseUrl()), a1.admin(), a1.team()); // same database, same admin
                Pods.link(a1, b);
                Orgs3.Shared s = Orgs3.share("duties", a1, b);
                UUID chat = s.chats().get(0);
                var d1 = first.server().duties();
                var d2 = second.server().duties();
                assertTrue(d1.held() && !d2.held(), "the node that started first does the pod's duties, the other stands by");
                assertEquals(1.0, gauge(a1), "node one's gauge");
                assertEquals(0.0, gauge(a2), "node two's gauge");

                Http.Res put = a2.http().put(s.path() + "/resilience",
                        Map.of("replicas", List.of("pod-b"), "ackAfterReplicas", 1, "ackTimeoutMs", 8_000), a2.admin());
                assertEquals(200, put.status(), put.raw());
                Orgs3.post(a1, chat, "posted on node one");
                Await.until(WAIT, "the replica to hold node one's post", () -> replicaHolds(b, s, "posted on node one"));

                // Posted on the node that does not feed: acked (201) only once the replica holds it, which that node
                // learns from the cursor the feeding node stored.
                Orgs3.post(a2, chat, "posted on node two");
                assertTrue(replicaHolds(b, s, "posted on node two"), "acked means held, on the node that does not feed too");
                assertTrue(fed(a1) > 0, "node one fed the replica");
                assertEquals(-1, fed(a2), "node two fed nothing");
                JsonNode view = a2.http().get(s.path() + "/resilience", a2.admin()).body().get("resilience");
                assertTrue(view.get("feeding").asBoolean(), "the admin view answers for the pod on every node: " + view);
                assertTrue(first.server().orgs().deliveryActive() && !second.server().orgs().deliveryActive(),
                        "the org delivery follows the same duties");

                // The feeding node stops (cleanly: it releases the lease); node two takes the duties and feeds.
                first.close();
                Await.until(Duration.ofSeconds(10), "node two to take the duties", d2::held);
                assertTrue(second.server().orgs().deliveryActive());
                Orgs3.post(a2, chat, "after the takeover");
                assertTrue(replicaHolds(b, s, "after the takeover"), "acked means held, from the new feeding node");
                assertTrue(fed(a2) > 0, "node two feeds now");
                assertEquals(1.0, gauge(a2));
            } finally {
                first.close();
            }
        }
    }

    @Test
    void aSingleNodeDoesTheDutiesFromTheStart() throws Exception {
        try (Pods.Pod a = Pods.start("pod-a")) {
            assertTrue(a.server().server().duties().held());
            assertEquals(1.0, gauge(a));
        }
    }

    /** {@return ops this node fed to pod-b that it applied, from its scrape; -1 when it never fed it} */
    private static double fed(Pods.Pod p) {
        return Pods.metric(p.metrics(), FED + "_total", "replica", "pod-b");
    }

    private static double gauge(Pods.Pod p) {
        for (String line : p.metrics().split("\n")) {
            if (line.startsWith("parley_pod_duties_held ")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return -1;
    }

    private static boolean replicaHolds(Pods.Pod replica, Orgs3.Shared s, String content) {
        Http.Res r = replica.http().get(s.path() + "/replica", replica.admin());
        if (r.status() != 200) return false;
        List<String> out = new ArrayList<>();
        for (JsonNode m : r.body().get("messages")) out.add(m.path("content").asText());
        return out.contains(content);
    }
}
