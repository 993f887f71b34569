package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PeerAddress;
import io.parley.server.federation.link.PodResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.parley.server.federation.org.OrgBatches.contents;
import static io.parley.server.federation.org.OrgBatches.history;
import static io.parley.server.federation.org.OrgBatches.overtaken;
import static io.parley.server.federation.org.OrgBatches.posts;
import static io.parley.server.federation.org.OrgBatches.reply;
import static io.parley.server.federation.org.OrgBatches.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Per-origin order where a pod's state is in PostgreSQL (issue 16 §1): a receiver of several nodes, whose hold must
 * see a predecessor applied on another node; an origin whose outbox thinks the receiver has more than it has (restored
 * from an older copy, say), which must go back to what the receiver says it holds; and a batch the store failed, which
 * must not fail the batches sent after it. Runs (never skips) with CI=true.
 */
@Timeout(90)
class OrgOrderPostgresTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Pods.Open open = new Pods.Open();
    private PgTestSchema schema;

    @AfterEach
    void tearDown() throws Exception {
        open.close();
        if (schema != null) schema.close();
    }

    private Map<String, String> onPostgres(String podId) {
        schema = PgTestSchema.create();
        Map<String, String> cfg = new HashMap<>(schema.serverConfig());
        cfg.put("pod.id", podId);
        cfg.put("pod.heartbeat_interval", Pods.INTERVAL.toMillis() + "ms");
        cfg.put("pod.dead_after_missed", Integer.toString(Pods.MISSED));
        cfg.put("pod.grace", Pods.GRACE.toMillis() + "ms");
        return cfg;
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.url()); Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
    }

    @Test
    void aReceiverOfTwoNodesAppliesABatchThatReachedOneNodeAfterItsPredecessorOnTheOther() throws Exception {
        Map<String, String> cfg = onPostgres("pod-b");
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b1 = open.add(Pods.of("pod-b", TestServer.start(cfg)));
        TestServer second = open.add(TestServer.start(cfg));
        Pods.Pod b2 = new Pods.Pod("pod-b", second, new Http(second.baseUrl()), b1.admin(), b1.team()); // same database, same admin
        Pods.link(a, b1);
        Orgs3.Shared s = Orgs3.share("nodes", a, b1);
        UUID chatB = s.chats().get(1);
        PeerAddress node1 = a.federation().peers().find("pod-b").orElseThrow().address();
        PeerAddress node2 = new PeerAddress("pod-b", second.baseUrl(), node1.key());

        List<OrgWire.Event> first = posts("pod-a", 1, 30, "first");
        List<OrgWire.Event> second30 = posts("pod-a", 31, 30, "second");
        CompletableFuture<PodResult> early = send(a, node2, s, second30, 30L);
        Await.until(Duration.ofSeconds(10), "node two to hold the early batch (or answer it)", () -> overtaken(b2, "held") > 0 || early.isDone());
        assertFalse(early.isDone(), "node two waits for the batch before it");
        assertEquals("applied", reply(send(a, node1, s, first, 0L).join()).status());
        assertEquals("applied", reply(early.join()).status(), "node two saw node one apply the predecessor, in the store");

        List<String> want = new ArrayList<>(contents(first));
        want.addAll(contents(second30));
        assertEquals(want, history(b1, chatB));
        assertEquals(0, overtaken(b2, "refused"));
    }

    @Test
    void anOriginThatThinksTheReceiverHasMoreGoesBackToWhatItHas() throws Exception {
        Pods.Pod a = open.pod("pod-a", onPostgres("pod-a"));
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("rewind", a, b);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1);
        Orgs3.post(a, chatA, "m1");
        Await.until(WAIT, "m1 on pod-b", () -> history(b, chatB).contains("m1"));
        Await.until(WAIT, "pod-a's cursor for pod-b at its log's end", () -> {
            JsonNode ch = a.http().get(s.path(), a.admin()).body().get("channel");
            for (JsonNode p : ch.get("peers")) if (p.get("pod").asText().equals("pod-b")) return p.get("cursor").asLong() == ch.get("lastSeq").asLong();
            return false;
        });

        // pod-a's outbox believes pod-b has two more of its ops than it has: the next two posts are skipped, as if sent.
        long last = a.http().get(s.path(), a.admin()).body().get("channel").get("lastSeq").asLong();
        try (Connection c = DriverManager.getConnection(schema.url());
             PreparedStatement ps = c.prepareStatement("UPDATE org_cursors SET last_seq = ?, sent_seq = ? WHERE peer_id = 'pod-b'")) {
            ps.setLong(1, last + 2);
            ps.setLong(2, last + 2);
            assertEquals(1, ps.executeUpdate());
        }
        for (String m : List.of("m2", "m3", "m4")) Orgs3.post(a, chatA, m);
        // pod-b refuses m4's batch (it has not applied what it names as before it) with what it has; pod-a goes back there.
        Await.until(WAIT, "m2, m3 and m4 on pod-b, in order", () -> history(b, chatB).equals(List.of("m1", "m2", "m3", "m4")));
        assertEquals(1, overtaken(b, "refused"));
    }

    @Test
    void aBatchTheStoreFailedDoesNotFailTheBatchesAfterIt() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b", onPostgres("pod-b"));
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("poison", a, b);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1);
        Orgs3.post(a, chatA, "before");
        Await.until(WAIT, "the first post on pod-b", () -> history(b, chatB).contains("before"));

        // pod-b's database refuses one message: the batch holding it fails (pod-a keeps its cursor and tries again).
        sql("CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN IF NEW.content = 'poison' THEN RAISE EXCEPTION 'refused';"
                + " END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
        Orgs3.post(a, chatA, "poison");
        Await.until(WAIT, "pod-a's delivery to pod-b failing", () -> lane(a, s, "pod-b").get("failures").asInt() > 0);
        sql("DROP TRIGGER refuse_poison ON messages");

        // The retries, and every batch after them, are applied and answered so: the failed batch poisoned nothing.
        Orgs3.post(a, chatA, "after");
        Await.until(WAIT, "everything on pod-b, in order", () -> history(b, chatB).equals(List.of("before", "poison", "after")));
        Await.until(WAIT, "pod-a's delivery to pod-b working, its cursor at the log's end", () -> {
            JsonNode lane = lane(a, s, "pod-b");
            return lane.get("failures").asInt() == 0 && !lane.get("behind").asBoolean();
        });
    }

    private static JsonNode lane(Pods.Pod p, Orgs3.Shared s, String peer) {
        Http.Res r = p.http().get(s.path(), p.admin());
        assertEquals(200, r.status(), r.raw());
        for (JsonNode n : r.body().get("channel").get("peers")) if (n.get("pod").asText().equals(peer)) return n;
        throw new AssertionError("no peer " + peer + " in " + r.raw());
    }
}
