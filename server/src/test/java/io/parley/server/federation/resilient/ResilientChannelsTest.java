package io.parley.server.federation.resilient;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.pod.PeerState;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.Orgs3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resilient channels across real pods (each a {@link TestServer} on its own SQLite): the replication handshake and
 * its refusals (not designated, over quota), a replica's log sealed at rest and served opened, throttling by the
 * replication rate, an acting primary elected while the primary is down (config accepted there only, posting going
 * on or refused as the channel says), convergence after the primary returns, and restore of a wiped pod.
 */
@Timeout(180)
class ResilientChannelsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> FAST_LEASES = Map.of("pod.max_clock_skew", "300ms", "pod.lease_duration", "2s");
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private Pods.Pod pod(String id, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(FAST_LEASES);
        o.putAll(extra);
        return open.pod(id, o);
    }

    private static Http.Res configure(Pods.Pod p, Orgs3.Shared s, Map<String, Object> body) {
        return p.http().put(s.path() + "/resilience", body, p.admin());
    }

    /** {@return the topic of a pod's local chat, as its members read it} */
    private static String topicOf(Pods.Pod p, UUID chatId) {
        Http.Res r = p.http().get("/api/v1/chats/" + chatId, p.admin());
        return r.status() == 200 ? r.body().path("chat").path("topic").asText() : "status " + r.status();
    }

    private static JsonNode resilience(Pods.Pod p, Orgs3.Shared s) {
        Http.Res r = p.http().get(s.path() + "/resilience", p.admin());
        return r.status() == 200 ? r.body().get("resilience") : null;
    }

    private static String offer(JsonNode resilience, String pod) {
        for (JsonNode o : resilience.get("offers")) if (o.get("pod").asText().equals(pod)) return o.get("status").asText() + ":" + o.path("reason").asText();
        return null;
    }

    private static JsonNode replica(Pods.Pod p, Orgs3.Shared s) {
        Http.Res r = p.http().get(s.path() + "/replica", p.admin());
        assertEquals(200, r.status(), r.raw());
        return r.body();
    }

    private static List<String> replicaContents(Pods.Pod p, Orgs3.Shared s) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : replica(p, s).get("messages")) out.add(m.path("content").asText());
        return out;
    }

    private static double counter(Pods.Pod p, String name, String label, String value) {
        return Pods.metric(p.metrics(), name, label, value);
    }

    /** {@return the value of a gauge without labels in the pod's scrape, or -1 if absent} */
    private static double gauge(Pods.Pod p, String name) {
        for (String line : p.metrics().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return -1;
    }

    @Test
    void handshakeSealsTheReplicaAndRefusesWhatWasNotDesignated() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.Pod c = pod("pod-c", Map.of());
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("resilient", a, b, c);
        String marker = "plaintext-marker-" + UUID.randomUUID();
        Orgs3.post(a, s.chats().get(0), marker);

        // Only the primary (the pod that shared it) makes a channel resilient.
        Http.Res notPrimary = configure(b, s, Map.of("replicas", List.of("pod-c")));
        assertEquals(409, notPrimary.status(), notPrimary.raw());
        assertEquals("not_primary", notPrimary.body().get("error").get("code").asText());
        assertTrue(notPrimary.raw().contains("pod-a"), notPrimary.raw());
        assertEquals(400, configure(a, s, Map.of("replicas", List.of("pod-z"))).status(), "a replica must be an org member");
        assertEquals(400, configure(a, s, Map.of("replicas", List.of("pod-b"), "replicationClass", "everything")).status());

        Http.Res put = configure(a, s, Map.of("replicas", List.of("pod-b"), "replicationClass", "messages", "postingWhilePrimaryDown", true));
        assertEquals(200, put.status(), put.raw());
        JsonNode r = put.body().get("resilience");
        assertEquals("primary", r.get("role").asText());
        assertEquals("accepted:", offer(r, "pod-b"), r.toString());
        assertEquals("replica", resilience(b, s).get("role").asText());
        assertEquals("accepted:", offer(resilience(b, s), "pod-a"));

        // The replica holds the log and serves it opened; its table holds no plaintext.
        Orgs3.post(b, s.chats().get(1), "from B, " + marker);
        Await.until(WAIT, "the replica to hold both messages",
                () -> replicaContents(b, s).containsAll(List.of(marker, "from B, " + marker)));
        int rows = 0;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + b.server().dataDir().resolve("parley.db"));
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM replica_log")) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= cols; i++) {
                    String v = rs.getString(i);
                    assertFalse(v != null && v.contains("plaintext-marker"), "plaintext in replica_log column " + rs.getMetaData().getColumnName(i));
                }
            }
            try (ResultSet k = db.createStatement().executeQuery("SELECT wrapped FROM resilient_keys")) {
                assertTrue(k.next(), "the replica keeps the channel key, wrapped");
            }
        }
        assertTrue(rows >= 2, "rows: " + rows);

        // pod-c was not designated: replicated ops for the channel are refused and counted.
        double before = Math.max(0, counter(c, "parley_pod_replica_refused_total", "reason", "not_designated"));
        PodResult refused = a.federation().client().send("pod-c", ResilientWire.OPS,
                new ResilientWire.Ops(s.orgChannelId(), List.of(new ResilientWire.Sealed(1, 1, "AAAA"))));
        assertTrue(refused instanceof PodResult.Failed f && f.status() == 403 && "not_designated".equals(f.code()), refused.toString());
        assertTrue(counter(c, "parley_pod_replica_refused_total", "reason", "not_designated") > before);
        // Nor does pod-b take ops of the channel from anyone but its primary.
        PodResult notFromPrimary = c.federation().client().send("pod-b", ResilientWire.OPS,
                new ResilientWire.Ops(s.orgChannelId(), List.of(new ResilientWire.Sealed(1, 1, "AAAA"))));
        assertTrue(notFromPrimary instanceof PodResult.Failed f && "not_designated".equals(f.code()), notFromPrimary.toString());

        // Turning it off makes the replica forget its copy.
        assertEquals(204, a.http().delete(s.path() + "/resilience", a.admin()).status());
        Await.until(WAIT, "pod-b to forget the channel", () -> resilience(b, s) == null);
    }

    @Test
    void quotasRefuseOffersAndThrottleReplication() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of("pod.replication_rate", "1000")); // bursts of 8000 bytes
        Pods.Pod c = pod("pod-c", Map.of("pod.max_resilient_channels", "0"));
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("quota", a, b, c);
        Http.Res put = configure(a, s, Map.of("replicas", List.of("pod-b", "pod-c")));
        assertEquals(200, put.status(), put.raw());
        JsonNode r = put.body().get("resilience");
        assertEquals("accepted:", offer(r, "pod-b"));
        assertEquals("refused:quota:resilient_channels", offer(r, "pod-c"), r.toString());
        assertTrue(counter(c, "parley_pod_replication_throttled_total", "kind", "replica:resilient_channels") >= 1);

        // ~40 KB of messages at 1000 bytes/s: the replica throttles, the primary keeps the batches and says so.
        // Two rounds: a batch is let through while the bucket holds its burst and may leave it in debt, so the
        // first round's batch (however many posts one feed tick takes) is admitted and the second must wait. In one
        // round, posts quicker than a feed tick went as one admitted batch and nothing was ever throttled.
        String filler = "x".repeat(600);
        for (int i = 0; i < 20; i++) Orgs3.post(a, s.chats().get(0), "m" + i + " " + filler);
        Await.until(WAIT, "the replica to take a first batch", () -> resilience(a, s).get("cursors").get("pod-b").asLong() > 0);
        for (int i = 20; i < 40; i++) Orgs3.post(a, s.chats().get(0), "m" + i + " " + filler);
        try {
            Await.until(WAIT, "the primary to see replication throttled",
                    () -> counter(a, "parley_pod_replication_throttled_total", "kind", "primary:replication_rate") >= 1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; pod-a's view of pod-b: " + a.federation().health().health("pod-b")
                    + ", resilience: " + resilience(a, s), e);
        }
        assertTrue(counter(b, "parley_pod_replication_throttled_total", "kind", "replica:replication_rate") >= 1);
        long cursor = resilience(a, s).get("cursors").get("pod-b").asLong();
        long last = a.http().get(s.path(), a.admin()).body().get("channel").get("lastSeq").asLong();
        assertTrue(cursor < last, "the cursor waits while throttled: " + cursor + " < " + last);
    }

    @Test
    void anActingPrimaryTakesOverAndTheChannelConvergesWhenThePrimaryReturns() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.Pod c = pod("pod-c", Map.of());
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("failover", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1), chatC = s.chats().get(2);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b", "pod-c"), "postingWhilePrimaryDown", true)).status());
        Orgs3.post(a, chatA, "before the outage");
        Await.until(WAIT, "both replicas to hold it", () -> replicaContents(b, s).contains("before the outage")
                && replicaContents(c, s).contains("before the outage"));

        a.server().stop();
        for (Pods.Pod p : List.of(b, c)) {
            Await.until(WAIT, p.id() + " to see pod-a dead", () -> p.federation().health().health("pod-a").state() == PeerState.DEAD);
        }
        // One acting primary, the same on both replicas: pod-b (the best ranked usable replica).
        Await.until(WAIT, "pod-b to act as primary on both replicas", () -> "pod-b".equals(resilience(b, s).get("actingPrimary").asText())
                && "pod-b".equals(resilience(c, s).get("actingPrimary").asText()));
        Http.Res onC = configure(c, s, Map.of("topic", "from C"));
        assertEquals(409, onC.status(), onC.raw());
        assertEquals("not_primary", onC.body().get("error").get("code").asText());
        assertTrue(onC.raw().contains("pod-b"), onC.raw());
        Http.Res onB = configure(b, s, Map.of("topic", "set during the outage"));
        assertEquals(200, onB.status(), onB.raw());
        Await.until(WAIT, "pod-c to take the acting primary's change", () -> "set during the outage".equals(resilience(c, s).path("topic").asText()));
        Await.until(WAIT, "the topic in the local chats of both replicas", () -> "set during the outage".equals(topicOf(b, chatB))
                && "set during the outage".equals(topicOf(c, chatC)));

        // Members on the replicas keep reading and posting.
        Orgs3.post(b, chatB, "B during the outage");
        Orgs3.post(c, chatC, "C during the outage");
        Await.until(WAIT, "B and C to see each other's posts", () -> Orgs3.contents(b, chatB).contains("C during the outage")
                && Orgs3.contents(c, chatC).contains("B during the outage"));
        // …unless the channel refuses posts while its primary is down.
        assertEquals(200, configure(b, s, Map.of("postingWhilePrimaryDown", false)).status());
        Await.until(WAIT, "pod-c to refuse posts", () -> {
            Http.Res r = c.http().post("/api/v1/chats/" + chatC + "/messages", Map.of("content", "refused"), c.admin());
            return r.status() == 409 && r.raw().contains("primary_unavailable");
        });
        try (WsClient ws = WsClient.connect(c.server().wsUrl(), c.admin())) { // over WebSocket too
            UUID id = ws.send("message.send", WsClient.payload().put("chatId", chatC.toString()).put("content", "refused too"));
            JsonNode reply = ws.awaitReply(id);
            assertEquals("error", reply.path("type").asText(), reply.toString());
            assertTrue(reply.toString().contains("primary_unavailable"), reply.toString());
        }
        assertEquals(200, configure(b, s, Map.of("postingWhilePrimaryDown", true)).status());
        Await.until(WAIT, "pod-c to take posts again", () -> resilience(c, s).get("postingWhilePrimaryDown").asBoolean());
        Orgs3.post(c, chatC, "C after allowing again");

        // The primary returns; writes on both sides at once; every pod ends with the same log.
        TestServer back = TestServer.restartOnSamePort(a.server());
        open.add(back);
        Pods.Pod a2 = new Pods.Pod("pod-a", back, new Http(back.baseUrl()), a.admin(), a.team());
        for (int i = 0; i < 5; i++) {
            Orgs3.post(a2, chatA, "A back " + i);
            Orgs3.post(b, chatB, "B meanwhile " + i);
        }
        Await.until(Duration.ofSeconds(40), "every pod's digest to be equal", () -> {
            String da = Orgs3.digest(a2, s), db = Orgs3.digest(b, s), dc = Orgs3.digest(c, s);
            return da.equals(db) && db.equals(dc);
        });
        assertEquals(Orgs3.merged(a2, chatA), Orgs3.merged(b, chatB));
        assertEquals(Orgs3.merged(a2, chatA), Orgs3.merged(c, chatC));
        assertTrue(Orgs3.contents(a2, chatA).containsAll(List.of("B during the outage", "C during the outage", "C after allowing again")));
        // The lease went back to the primary, which took the change made during the outage; the replicas' logs agree.
        Await.until(WAIT, "the primary to act again", () -> "pod-a".equals(resilience(b, s).get("actingPrimary").asText()));
        assertEquals("set during the outage", resilience(a2, s).path("topic").asText());
        Http.Res afterReturn = configure(b, s, Map.of("topic", "late"));
        assertEquals(409, afterReturn.status(), afterReturn.raw());
        assertTrue(afterReturn.raw().contains("pod-a"), afterReturn.raw());
        Await.until(WAIT, "both replicas to hold the same log", () -> {
            JsonNode rb = replica(b, s), rc = replica(c, s);
            return rb.get("digest").equals(rc.get("digest")) && rb.get("messages").size() == Orgs3.contents(a2, chatA).size();
        });
    }

    /**
     * Issue 16 §3: the acting primary feeds the sealed replica logs during an outage. pod-c is down when pod-a goes down
     * too; pod-b acts and takes posts; pod-c returns and gets them into its sealed log from pod-b while pod-a is still
     * down. When pod-a returns it feeds the same ops again: pod-c keeps each op once, and both replicas end equal.
     */
    @Test
    void theActingPrimaryFeedsAReplicaThatReturnsDuringTheOutage() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.Pod c = pod("pod-c", Map.of());
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("acting-feed", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b", "pod-c"), "postingWhilePrimaryDown", true)).status());
        Orgs3.post(a, chatA, "before the outage");
        Await.until(WAIT, "both replicas to hold it", () -> replicaContents(b, s).contains("before the outage")
                && replicaContents(c, s).contains("before the outage"));

        c.server().stop();
        a.server().stop();
        Await.until(WAIT, "pod-b to act as primary", () -> "pod-b".equals(resilience(b, s).get("actingPrimary").asText()));
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add("posted on pod-b during the outage " + i);
            Orgs3.post(b, chatB, during.getLast());
        }
        TestServer cBack = TestServer.restartOnSamePort(c.server());
        open.add(cBack);
        Pods.Pod c2 = new Pods.Pod("pod-c", cBack, new Http(cBack.baseUrl()), c.admin(), c.team());
        Await.until(WAIT, "pod-c's sealed log to get the outage's posts from pod-b while pod-a is down",
                () -> replicaContents(c2, s).containsAll(during));
        assertEquals(PeerState.DEAD, b.federation().health().health("pod-a").state(), "pod-a is still down");
        JsonNode acting = resilience(b, s);
        assertTrue(acting.get("feeding").asBoolean(), acting.toString());
        // pod-c holds the ops before pod-b reads its answer: the cursor follows within the deadline.
        Await.until(WAIT, "pod-b's cursor of pod-c to move", () -> resilience(b, s).get("cursors").get("pod-c").asLong() > 0);

        // pod-a returns: the org layer brings it the outage's posts, and it feeds them to its replicas again.
        TestServer aBack = TestServer.restartOnSamePort(a.server());
        open.add(aBack);
        Pods.Pod a2 = new Pods.Pod("pod-a", aBack, new Http(aBack.baseUrl()), a.admin(), a.team());
        Orgs3.post(a2, chatA, "after the return");
        Await.until(Duration.ofSeconds(40), "every pod's digest to be equal", () -> {
            String da = Orgs3.digest(a2, s), db = Orgs3.digest(b, s), dc = Orgs3.digest(c2, s);
            return da.equals(db) && db.equals(dc);
        });
        long last = a2.http().get(s.path(), a2.admin()).body().get("channel").get("lastSeq").asLong();
        Await.until(WAIT, "pod-a's feed to reach both replicas", () -> {
            JsonNode cursors = resilience(a2, s).get("cursors");
            return cursors.get("pod-b").asLong() == last && cursors.get("pod-c").asLong() == last;
        });
        JsonNode rb = replica(b, s), rc = replica(c2, s);
        assertEquals(rb.get("digest"), rc.get("digest"));
        assertEquals(rb.get("ops").asInt(), rc.get("ops").asInt(), "pod-c keeps each op once though two pods fed it");
        List<String> contents = replicaContents(c2, s);
        for (String p : during) assertEquals(1, contents.stream().filter(p::equals).count(), p);
        assertTrue(contents.contains("after the return"), contents.toString());
        assertEquals(Orgs3.merged(a2, chatA), Orgs3.merged(b, chatB));
    }

    private static int rowsWithoutOpKey(Pods.Pod p) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + p.server().dataDir().resolve("parley.db"));
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM replica_log WHERE op_key IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Ops a replica kept before V85 have no op key (the migration cannot open them); the replica computes them on its
     * next start, so an acting primary's copy of such an op is recognised. Simulated by clearing the keys while the
     * replica is stopped.
     */
    @Test
    void aReplicaComputesTheOpKeysOfOpsKeptBeforeV85OnItsNextStart() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("backfill", a, b);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b"))).status());
        for (int i = 0; i < 3; i++) Orgs3.post(a, s.chats().get(0), "kept before V85 " + i);
        Await.until(WAIT, "the replica to hold them", () -> replicaContents(b, s).size() == 3);
        JsonNode before = replica(b, s);
        b.server().stop();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + b.server().dataDir().resolve("parley.db"));
             Statement st = db.createStatement()) {
            assertEquals(3, st.executeUpdate("UPDATE replica_log SET op_key = NULL"));
        }
        TestServer back = TestServer.restartOnSamePort(b.server());
        open.add(back);
        Pods.Pod b2 = new Pods.Pod("pod-b", back, new Http(back.baseUrl()), b.admin(), b.team());
        Await.until(WAIT, "the replica to compute the op keys", () -> {
            try {
                return rowsWithoutOpKey(b2) == 0;
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode after = replica(b2, s);
        assertEquals(before.get("digest"), after.get("digest"));
        assertEquals(3, after.get("ops").asInt());
    }

    /** {@return the REST answer to a post with a client id of the caller's choosing} */
    private static Http.Res postWithId(Pods.Pod p, UUID chat, String content, UUID clientId) {
        return p.http().post("/api/v1/chats/" + chat + "/messages", Map.of("content", content, "clientMsgId", clientId), p.admin());
    }

    private static boolean replicaHolds(Pods.Pod replica, Orgs3.Shared s, String content) {
        return replicaContents(replica, s).contains(content);
    }

    /**
     * Issue 16 §3, ackAfterReplicas with refuse-on-timeout: an ack (REST 201, WebSocket ack) means the replica holds
     * the post already; with the replica down the post is refused with replication_unavailable (retryable) and stays on
     * the primary; a retry with the same client id after the replica is back gets the original post's ack.
     */
    @Test
    void postsAreAckedOnlyOnceAReplicaHoldsThemAndRefusedWhenNoneDoes() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("acked", a, b);
        UUID chat = s.chats().get(0);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b"))).status());

        // Validated, every problem at once; nothing changes.
        Http.Res bad = configure(a, s, Map.of("ackAfterReplicas", 2, "ackTimeoutMs", 50, "onReplicaTimeout", "later"));
        assertEquals(400, bad.status(), bad.raw());
        assertEquals("invalid_request", bad.body().get("error").get("code").asText());
        String why = bad.body().get("error").get("message").asText();
        assertTrue(why.contains("ackAfterReplicas must be 0..1") && why.contains("ackTimeoutMs") && why.contains("onReplicaTimeout"), why);
        assertEquals(0, resilience(a, s).get("ackAfterReplicas").asInt());

        Http.Res put = configure(a, s, Map.of("ackAfterReplicas", 1, "ackTimeoutMs", 1500));
        assertEquals(200, put.status(), put.raw());
        JsonNode r = put.body().get("resilience");
        assertEquals(1, r.get("ackAfterReplicas").asInt());
        assertEquals("refuse", r.get("onReplicaTimeout").asText());
        Await.until(WAIT, "the replica to keep the configuration too", () -> resilience(b, s).get("ackAfterReplicas").asInt() == 1);

        // Acked means held: right after each ack the replica's sealed log has the post.
        try (WsClient ws = WsClient.connect(a.server().wsUrl(), a.admin())) {
            for (int i = 0; i < 5; i++) {
                String text = "acked over WebSocket " + i;
                JsonNode ack = ws.awaitReply(ws.send("message.send", WsClient.payload().put("chatId", chat.toString()).put("content", text)));
                assertEquals("ack", ack.path("type").asText(), ack.toString());
                assertTrue(replicaHolds(b, s, text), "the replica holds what was acked: " + text);
            }
        }
        Http.Res created = postWithId(a, chat, "acked over REST", UUID.randomUUID());
        assertEquals(201, created.status(), created.raw());
        assertTrue(replicaHolds(b, s, "acked over REST"));

        // The replica is down: the post is refused after the timeout, and kept on the primary.
        b.server().stop();
        UUID restId = UUID.randomUUID();
        Http.Res refused = postWithId(a, chat, "refused over REST", restId);
        assertEquals(503, refused.status(), refused.raw());
        assertEquals("replication_unavailable", refused.body().get("error").get("code").asText());
        assertEquals(String.valueOf(ReplicaAcks.RETRY_AFTER_SECONDS), refused.header("Retry-After"));
        assertTrue(Orgs3.contents(a, chat).contains("refused over REST"), "the post stays on the primary");
        UUID wsId = UUID.randomUUID();
        try (WsClient ws = WsClient.connect(a.server().wsUrl(), a.admin())) {
            ws.send("message.send", wsId, WsClient.payload().put("chatId", chat.toString()).put("content", "refused over WebSocket"));
            JsonNode error = ws.awaitReply(wsId);
            assertEquals("error", error.path("type").asText(), error.toString());
            assertEquals("replication_unavailable", error.path("payload").path("code").asText(), error.toString());
            assertTrue(error.path("payload").path("temporary").asBoolean(), error.toString());
            assertEquals(ReplicaAcks.RETRY_AFTER_SECONDS, error.path("payload").path("retryAfter").asInt(), error.toString());
        }
        assertTrue(counter(a, "parley_pod_replica_acks_total", "outcome", "refused") >= 2);

        // The replica returns: a retry with the same client id is the original post, acked now that the replica has it.
        TestServer back = TestServer.restartOnSamePort(b.server());
        open.add(back);
        Pods.Pod b2 = new Pods.Pod("pod-b", back, new Http(back.baseUrl()), b.admin(), b.team());
        Await.until(WAIT, "pod-a to see pod-b usable", () -> a.federation().health().usable("pod-b"));
        Http.Res retried = postWithId(a, chat, "refused over REST", restId);
        assertEquals(200, retried.status(), retried.raw());
        assertEquals(1L, Orgs3.contents(a, chat).stream().filter("refused over REST"::equals).count(), "the retry created nothing");
        assertTrue(replicaHolds(b2, s, "refused over REST"));
        try (WsClient ws = WsClient.connect(a.server().wsUrl(), a.admin())) {
            ws.send("message.send", wsId, WsClient.payload().put("chatId", chat.toString()).put("content", "refused over WebSocket"));
            JsonNode ack = ws.awaitReply(wsId);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            assertTrue(ack.path("payload").path("duplicate").asBoolean(), ack.toString());
        }
        assertEquals(1L, Orgs3.contents(a, chat).stream().filter("refused over WebSocket"::equals).count());
        assertTrue(counter(a, "parley_pod_replica_acks_total", "outcome", "replicated") >= 7);
    }

    /**
     * Issue 16 §3, onReplicaTimeout primary_only: with the replica down a post is acked by the primary after the
     * timeout and the channel is degraded (its resilience view, a gauge); while degraded, posts are acked on commit;
     * once the replica caught up the mark goes and acks wait for it again.
     */
    @Test
    void primaryOnlyAcksAloneAndMarksTheChannelDegradedUntilTheReplicasCatchUp() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("degraded", a, b);
        UUID chat = s.chats().get(0);
        Duration timeout = Duration.ofSeconds(4);
        Http.Res put = configure(a, s, Map.of("replicas", List.of("pod-b"), "ackAfterReplicas", 1, "ackTimeoutMs", timeout.toMillis(),
                "onReplicaTimeout", "primary_only"));
        assertEquals(200, put.status(), put.raw());
        Orgs3.post(a, chat, "while both are up");
        assertTrue(replicaHolds(b, s, "while both are up"));
        assertFalse(resilience(a, s).get("degraded").asBoolean());

        b.server().stop();
        long start = System.nanoTime();
        Orgs3.post(a, chat, "acked by the primary alone");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(timeout.minusMillis(200)) >= 0, "it waited for the replica first: " + waited);
        JsonNode r = resilience(a, s);
        assertTrue(r.get("degraded").asBoolean(), r.toString());
        assertFalse(r.get("degradedSince").isNull(), r.toString());
        assertEquals(1.0, gauge(a, "parley_pod_resilient_degraded_channels"), 0.0);
        start = System.nanoTime();
        Orgs3.post(a, chat, "acked on commit while degraded");
        waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(timeout.minusSeconds(1)) < 0, "degraded: no wait for the replica, took " + waited);
        assertTrue(counter(a, "parley_pod_replica_acks_total", "outcome", "primary_only") >= 2);

        TestServer back = TestServer.restartOnSamePort(b.server());
        open.add(back);
        Pods.Pod b2 = new Pods.Pod("pod-b", back, new Http(back.baseUrl()), b.admin(), b.team());
        Await.until(WAIT, "the channel to be caught up and no longer degraded", () -> !resilience(a, s).get("degraded").asBoolean());
        assertTrue(replicaContents(b2, s).containsAll(List.of("acked by the primary alone", "acked on commit while degraded")));
        assertEquals(0.0, gauge(a, "parley_pod_resilient_degraded_channels"), 0.0);
        Orgs3.post(a, chat, "held again");
        assertTrue(replicaHolds(b2, s, "held again"), "acks wait for the replica again");
    }

    @Test
    void aReplicaWithASkewedClockIsNotElected() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of("pod.clock_offset", "1500ms")); // ranks first by id, but its clock is off
        Pods.Pod c = pod("pod-c", Map.of());
        Pods.linkAll(a, b, c);
        Await.until(WAIT, "the skew to be measured", () -> c.federation().clockSkewed("pod-b") && b.federation().clockSkewed("pod-c"));
        Orgs3.Shared s = Orgs3.share("skew", a, b, c);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b", "pod-c"))).status());
        a.server().stop();
        Await.until(WAIT, "pod-c to act as primary on both replicas", () -> "pod-c".equals(resilience(c, s).get("actingPrimary").asText())
                && "pod-c".equals(resilience(b, s).get("actingPrimary").asText()));
        assertEquals(409, configure(b, s, Map.of("topic", "from the skewed pod")).status());
        assertEquals(200, configure(c, s, Map.of("topic", "from pod-c")).status());
    }

    @Test
    void aWipedPodRestoresTheChannelFromAReplica() throws Exception {
        Pods.Pod a = pod("pod-a", Map.of());
        Pods.Pod b = pod("pod-b", Map.of());
        Pods.Pod c = pod("pod-c", Map.of());
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("restore", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1), chatC = s.chats().get(2);
        assertEquals(200, configure(a, s, Map.of("replicas", List.of("pod-b", "pod-c"))).status());
        JsonNode root = Orgs3.post(a, chatA, "root from A");
        c.http().post("/api/v1/chats/" + chatC + "/messages", Map.of("content", "reply from C", "replyTo", root.get("id").asText()), c.admin());
        JsonNode edited = Orgs3.post(b, chatB, "from B, to be edited");
        JsonNode doomed = Orgs3.post(c, chatC, "from C, to be deleted");
        Await.until(WAIT, "everything on A", () -> Orgs3.contents(a, chatA).containsAll(List.of("from B, to be edited", "from C, to be deleted")));
        assertEquals(200, b.http().patch("/api/v1/messages/" + edited.get("id").asText(), Map.of("content", "from B, edited"), b.admin()).status());
        assertEquals(204, c.http().delete("/api/v1/messages/" + doomed.get("id").asText(), c.admin()).status());
        Await.until(WAIT, "A's root on B", () -> Orgs3.contents(b, chatB).contains("root from A")); // B reacts to it
        var reacted = b.http().post("/api/v1/messages/" + root.get("id").asText() + "/reactions", Map.of("emoji", ":tada:"), b.admin());
        assertTrue(reacted.status() < 300, reacted.raw());
        Await.until(WAIT, "A and B to agree", () -> Orgs3.digest(a, s).equals(Orgs3.digest(b, s)));
        String expected = Orgs3.digest(a, s);
        Await.until(WAIT, "pod-b's replica to hold A's whole log", () -> resilience(a, s).get("cursors").get("pod-b").asLong()
                == a.http().get(s.path(), a.admin()).body().get("channel").get("lastSeq").asLong());

        // pod-c loses its storage: a fresh data directory (a new key), re-linked and re-added to the org.
        c.close();
        open.remove(c);
        assertTrue(a.http().delete("/api/v1/admin/pod/peers/pod-c", a.admin()).status() < 300);
        assertTrue(b.http().delete("/api/v1/admin/pod/peers/pod-c", b.admin()).status() < 300);
        Pods.Pod c2 = pod("pod-c", Map.of());
        Pods.link(a, c2);
        Pods.link(b, c2);
        assertEquals(200, a.http().post("/api/v1/admin/pod/orgs/" + s.orgId() + "/members", Map.of("pod", "pod-c"), a.admin()).status());
        Await.until(WAIT, "the fresh pod-c to know the channel", () -> c2.http().get(s.path(), c2.admin()).status() == 200);
        Http.Res m = c2.http().post(s.path() + "/map", Map.of("workspaceId", c2.team().workspaceId), c2.admin());
        assertEquals(200, m.status(), m.raw());
        UUID chatC2 = UUID.fromString(m.body().get("channel").get("chatId").asText());
        assertTrue(Orgs3.contents(c2, chatC2).isEmpty(), "nothing is replayed to a pod the others think has it all");

        // Reconciliation finds the difference; the other side resends its own ops (A's reach C), but C's own
        // ops of before the wipe exist only in copies elsewhere: that is what restore is for.
        Http.Res rec = a.http().post(s.path() + "/reconcile", Map.of(), a.admin());
        assertEquals(200, rec.status(), rec.raw());
        assertTrue(rec.raw().contains("\"pod\":\"pod-c\",\"status\":\"differs\""), rec.raw());
        assertTrue(rec.raw().contains("\"pod\":\"pod-b\",\"status\":\"equal\""), rec.raw());
        Await.until(WAIT, "A's messages to reach the wiped pod again", () -> Orgs3.contents(c2, chatC2).contains("root from A"));
        assertTrue(Orgs3.contents(c2, chatC2).size() < Orgs3.contents(a, chatA).size(), "C's own old ops are still missing");

        Http.Res restored = c2.http().post(s.path() + "/restore", Map.of("from", "pod-b"), c2.admin());
        assertEquals(200, restored.status(), restored.raw());
        assertTrue(restored.body().get("ops").asInt() > 0, restored.raw());
        assertEquals(expected, Orgs3.digest(c2, s));
        assertEquals(Orgs3.merged(a, chatA), Orgs3.merged(c2, chatC2));
        // The primary offers the wiped replica its place again and feeds it the whole log.
        int held = replica(b, s).get("ops").asInt();
        Await.until(WAIT, "the wiped pod to be a full replica again", () -> {
            Http.Res r = c2.http().get(s.path() + "/replica", c2.admin());
            return r.status() == 200 && r.body().get("ops").asInt() >= held;
        });
        assertEquals("accepted:", offer(resilience(a, s), "pod-c"));
        assertEquals(replica(b, s).get("digest"), replica(c2, s).get("digest"));
        // Restoring again changes nothing (merging is idempotent); the restored messages are searchable.
        assertEquals(200, c2.http().post(s.path() + "/restore", Map.of(), c2.admin()).status());
        assertEquals(expected, Orgs3.digest(c2, s));
        Await.until(WAIT, "the restored messages to be found by search", () -> {
            Http.Res r = c2.http().get("/api/v1/workspaces/" + c2.team().workspaceId + "/search?q=edited", c2.admin());
            return r.status() == 200 && r.raw().contains("from B, edited");
        });
    }
}
