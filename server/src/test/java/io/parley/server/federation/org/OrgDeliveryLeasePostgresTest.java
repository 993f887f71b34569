package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes of one scaled-out pod (one PostgreSQL schema): exactly one runs the org delivery lanes, the other stands
 * by and sends nothing; when the first stops, the other takes the lease within seconds and delivers what is posted
 * on it. Runs (never skips) with CI=true.
 */
@Timeout(90)
class OrgDeliveryLeasePostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** {@return the successes per path of this node's lane to the peer, from its admin API} */
    private static long successes(Pods.Pod p, Orgs3.Shared s, String peer) {
        Http.Res r = p.http().get("/api/v1/admin/pod/org-channels", p.admin());
        assertEquals(200, r.status(), r.raw());
        long n = 0;
        for (JsonNode ch : r.body().get("channels")) {
            if (!ch.get("id").asText().equals(s.orgChannelId())) continue;
            for (JsonNode pv : ch.get("peers")) {
                if (pv.get("pod").asText().equals(peer)) for (JsonNode v : pv.path("pathSuccesses")) n += v.asLong();
            }
        }
        return n;
    }

    @Test
    void oneNodeRunsTheLanesAndAnotherTakesOverWhenItStops() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> cfg = Pods.nodeConfig("pod-a", schema.serverConfig());
            TestServer first = TestServer.start(cfg);
            try (TestServer second = TestServer.start(cfg); Pods.Pod b = Pods.start("pod-b")) {
                Pods.Pod a1 = Pods.of("pod-a", first);
                Pods.Pod a2 = new Pods.Pod("pod-a", second, new Http(second.baseUrl()), a1.admin(), a1.team()); // same database, same admin
                Pods.link(a1, b);
                Orgs3.Shared s = Orgs3.share("lease", a1, b);
                UUID chatA = s.chats().get(0), chatB = s.chats().get(1);

                var o1 = first.server().orgs();
                var o2 = second.server().orgs();
                assertTrue(o1.deliveryActive() ^ o2.deliveryActive(), "exactly one node runs the lanes");
                assertTrue(o1.deliveryActive(), "the node that started first took the lease");

                // Posted on the standby: the holder sends it; the standby's own lane never ran.
                Orgs3.post(a2, chatA, "posted on node two");
                Await.until(WAIT, "node two's post on B", () -> Orgs3.contents(b, chatB).contains("posted on node two"));
                // The lane counts a success once B's answer is back, a moment after B shows the post.
                Await.until(WAIT, "node one to count its delivery", () -> successes(a1, s, "pod-b") > 0);
                assertEquals(0, successes(a2, s, "pod-b"), "node two stood by");
                assertFalse(o2.deliveryActive());

                // The holder stops (cleanly: it releases the lease); node two takes over within seconds.
                first.close();
                Await.until(Duration.ofSeconds(10), "node two to take the lease", o2::deliveryActive);
                Orgs3.post(a2, chatA, "after the takeover");
                Await.until(WAIT, "the post after the takeover on B", () -> Orgs3.contents(b, chatB).contains("after the takeover"));
                Await.until(WAIT, "node two to count its delivery", () -> successes(a2, s, "pod-b") > 0);
            } finally {
                first.close();
            }
        }
    }

    @Test
    void aCrashedHoldersLeaseExpiresAndIsTaken() {
        try (PgTestSchema schema = PgTestSchema.create();
             var stores = io.parley.server.store.Stores.open(io.parley.server.store.StoreConfig.of(io.parley.server.store.StoreKind.POSTGRES,
                     schema.url(), null, null), "pod-a")) {
            var store = stores.orgs();
            java.time.Instant now = java.time.Instant.now();
            // Another node (gone without releasing) held it: not taken before it expires, taken after.
            assertTrue(store.acquireLease("probe", "dead-node", now, now.plusSeconds(5)));
            assertFalse(store.acquireLease("probe", "live-node", now.plusSeconds(1), now.plusSeconds(6)));
            assertTrue(store.acquireLease("probe", "dead-node", now.plusSeconds(2), now.plusSeconds(7)), "the holder renews");
            assertTrue(store.acquireLease("probe", "live-node", now.plusSeconds(8), now.plusSeconds(13)), "expired: taken");
            assertFalse(store.acquireLease("probe", "dead-node", now.plusSeconds(9), now.plusSeconds(14)));
            store.releaseLease("probe", "dead-node"); // not the holder: nothing
            assertFalse(store.acquireLease("probe", "other", now.plusSeconds(9), now.plusSeconds(14)));
            store.releaseLease("probe", "live-node");
            assertTrue(store.acquireLease("probe", "other", now.plusSeconds(9), now.plusSeconds(14)), "released: taken at once");
        }
    }
}
