package io.parley.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.chaos.PodTrio.CONVERGE;
import static io.parley.server.chaos.PodTrio.FLOW;
import static io.parley.server.chaos.PodTrio.RATE;
import static io.parley.server.chaos.PodTrio.assertBothWaysFlowing;
import static io.parley.server.chaos.PodTrio.assertDetectedInBound;
import static io.parley.server.chaos.PodTrio.await;
import static io.parley.server.chaos.PodTrio.awaitDead;
import static io.parley.server.chaos.PodTrio.awaitMoreAcks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec 001's five failure scenarios on an org-shared channel (issue 7 §6): three pods, each its own process and
 * store, every pod-to-pod direction through a fault-injecting {@link TcpProxy} ({@link PodTrio}); on every pod a
 * user posts over WebSocket at a steady rate and every ack is recorded. In each scenario:
 * <ul>
 *   <li>the users of the pods that stay up keep sending, and read each other's new messages, during the fault;</li>
 *   <li>a dead or cut-off peer is declared DEAD within 3 heartbeats plus the grace period (with slack for a
 *       loaded 2-core machine; the figure is printed);</li>
 *   <li>after healing, every acknowledged message is on every pod and every pod's digest of the channel is the
 *       same — with writes made on every side during the fault;</li>
 *   <li>and every pod's history (its local log's order, what clients read) holds each origin's messages in the
 *       origin's order (ARCHITECTURE.md, "Pods keep per-origin order"): a dead pod comes back to a backlog of many
 *       outbox batches with long messages while the posts go on, and a burst crosses the partition by the relay.</li>
 * </ul>
 * The scenarios share one trio, in spec order, each leaving it healed; the acks checked at each convergence are
 * all acks since the start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class PodScenariosTest {
    /** Messages posted on pod-a in a burst while another pod cannot receive them: more than one outbox batch. */
    static final int BACKLOG = 1_500;

    private PodTrio trio;
    private PodTrio.Pod a, b, c;

    @BeforeAll
    void start() throws Exception {
        trio = new PodTrio(Map.of());
        a = trio.pod("pod-a");
        b = trio.pod("pod-b");
        c = trio.pod("pod-c");
    }

    @AfterAll
    void stop() throws Exception {
        if (trio != null) trio.close();
    }

    private void healAndConverge(String what) throws InterruptedException {
        trio.stopLoads();
        Duration took = trio.awaitConverged(CONVERGE, trio.all());
        System.out.printf("%s: %d acked messages on all 3 pods, digests equal, %d ms after the writes stopped%n", what,
                trio.acked().size(), took.toMillis());
        assertEquals(Map.of(), trio.loadErrors(), "no send was refused");
        int checked = trio.assertOriginOrder(trio.all());
        StringBuilder overtaken = new StringBuilder();
        for (PodTrio.Pod p : trio.all()) overtaken.append(String.format(" %s %d/%d", p.id, p.overtaken("held"), p.overtaken("refused")));
        System.out.printf("%s: every pod's history holds each origin's messages in the origin's order (%d checked); batches that"
                + " came before the one they follow, held/refused, since each pod started:%s%n", what, checked, overtaken);
    }

    @Test
    @Order(1)
    void killNineOfAPod() throws Exception {
        Map<String, Load> loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 20, FLOW);

        long fault = System.nanoTime();
        c.kill();
        assertDetectedInBound("kill -9 of pod-c", awaitDead(fault, "pod-c", a, b));
        assertBothWaysFlowing(a, loads.get("pod-a"), b, loads.get("pod-b"), 20, FLOW);
        JsonNode view = a.channelView();
        assertTrue(view.toString().contains("\"unreachable\":true"), "pod-c shown unreachable on pod-a: " + view);
        // A backlog for pod-c of many outbox batches (a batch holds at most a few of the long messages), on top of the
        // loads, which go on while pod-c restarts: pod-c must store pod-a's messages in pod-a's order.
        long posting = System.nanoTime();
        trio.postBacklog(a, BACKLOG, 20, 39_000);
        System.out.printf("kill -9 of pod-c: %d messages (every 20th of 39,000 characters) posted on pod-a in %d ms while pod-c is down%n",
                BACKLOG, (System.nanoTime() - posting) / 1_000_000);

        c.restart(Map.of());
        await(FLOW, "pod-c alive again for its peers", () -> "alive".equals(a.state("pod-c")) && "alive".equals(b.state("pod-c")));
        awaitMoreAcks(trio.startLoad(c, RATE), 20, FLOW);
        healAndConverge("kill -9 and restart of pod-c");
    }

    @Test
    @Order(2)
    void partitionOfTwoPodsWithTheThirdRelaying() throws Exception {
        Map<String, Load> loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 20, FLOW);

        long fault = System.nanoTime();
        trio.proxy("pod-a>pod-b").sever();
        trio.proxy("pod-b>pod-a").sever();
        long ab = awaitDead(fault, "pod-b", a);
        long ba = awaitDead(fault, "pod-a", b);
        assertDetectedInBound("partition pod-a | pod-b", Math.max(ab, ba));
        assertEquals("alive", a.state("pod-c"));
        assertEquals("alive", b.state("pod-c"));
        // Both sides keep writing; each reads the other's messages, which go round through pod-c.
        assertBothWaysFlowing(a, loads.get("pod-a"), b, loads.get("pod-b"), 20, FLOW);
        assertBothWaysFlowing(a, loads.get("pod-a"), c, loads.get("pod-c"), 10, FLOW);
        // A burst through the relay: two batches at a time, each by way of pod-c.
        List<UUID> burst = trio.postBacklog(a, BACKLOG / 3, 20, 39_000);
        await(FLOW, "pod-a's burst on pod-b through pod-c", () -> b.messageIds().containsAll(burst));

        trio.proxy("pod-a>pod-b").restore();
        trio.proxy("pod-b>pod-a").restore();
        await(FLOW, "pod-a and pod-b alive to each other again", () -> "alive".equals(a.state("pod-b")) && "alive".equals(b.state("pod-a")));
        for (Load l : loads.values()) awaitMoreAcks(l, 10, FLOW); // writes on both sides while the link heals
        healAndConverge("partition of pod-a and pod-b");
    }

    @Test
    @Order(3)
    void restartOfAPodOnItsDataDirectory() throws Exception {
        Map<String, Load> loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 20, FLOW);

        long fault = System.nanoTime();
        b.stop(); // SIGTERM: drains, exits 0
        assertDetectedInBound("restart of pod-b (SIGTERM)", awaitDead(fault, "pod-b", a, c));
        assertBothWaysFlowing(a, loads.get("pod-a"), c, loads.get("pod-c"), 20, FLOW);

        b.restart(Map.of());
        await(FLOW, "pod-b alive again for its peers", () -> "alive".equals(a.state("pod-b")) && "alive".equals(c.state("pod-b")));
        Load onB = trio.startLoad(b, RATE);
        assertBothWaysFlowing(b, onB, a, loads.get("pod-a"), 10, FLOW);
        healAndConverge("restart of pod-b");
    }

    @Test
    @Order(4)
    void slowAndLossyLink() throws Exception {
        Map<String, Load> loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 10, FLOW);

        // 30–50 ms each way, 64 KiB/s, and 2% of the chunks reset the connection instead of passing.
        TcpProxy.Faults bad = new TcpProxy.Faults(Duration.ofMillis(30), Duration.ofMillis(20), 64 * 1024, 0.02);
        trio.proxy("pod-a>pod-b").faults(bad);
        trio.proxy("pod-b>pod-a").faults(bad);
        assertBothWaysFlowing(a, loads.get("pod-a"), b, loads.get("pod-b"), 45, FLOW);
        System.out.printf("slow, lossy pod-a–pod-b link: pod-a sees pod-b %s (score %d), last path %s%n", a.state("pod-b"),
                a.peer("pod-b").get("score").asInt(), peerView(a, "pod-b").path("lastPath").asText());

        trio.proxy("pod-a>pod-b").faults(TcpProxy.Faults.NONE);
        trio.proxy("pod-b>pod-a").faults(TcpProxy.Faults.NONE);
        await(FLOW, "pod-a and pod-b alive to each other", () -> "alive".equals(a.state("pod-b")) && "alive".equals(b.state("pod-a")));
        healAndConverge("slow and lossy link");
    }

    @Test
    @Order(5)
    void clockSkewOnOnePod() throws Exception {
        c.stop();
        c.restart(Map.of("PARLEY_POD_CLOCK_OFFSET", "5s")); // beyond max_clock_skew (2 s), inside request_window (30 s)
        await(FLOW, "pod-a and pod-b flag pod-c's clock", () -> a.peer("pod-c").path("skewed").asBoolean()
                && b.peer("pod-c").path("skewed").asBoolean());
        long offset = a.peer("pod-c").path("clockOffsetMs").asLong();
        System.out.printf("clock skew: pod-a measures pod-c %+d ms off (pod.clock_offset 5 s); pod-c %s to pod-a%n", offset, a.state("pod-c"));
        assertTrue(Math.abs(Math.abs(offset) - 5_000) < 1_000, "measured offset " + offset + " ms");
        assertTrue(!a.peer("pod-b").path("skewed").asBoolean(), "pod-b is not flagged");

        Map<String, Load> loads = trio.startLoads(RATE);
        assertBothWaysFlowing(a, loads.get("pod-a"), c, loads.get("pod-c"), 20, FLOW);
        assertBothWaysFlowing(b, loads.get("pod-b"), c, loads.get("pod-c"), 20, FLOW);
        assertEquals("alive", a.state("pod-c"), "a skewed clock is flagged, not a reason to drop the peer");
        healAndConverge("clock skew of pod-c");
    }

    private static JsonNode peerView(PodTrio.Pod p, String peer) {
        for (JsonNode n : p.channelView().get("peers")) if (n.get("pod").asText().equals(peer)) return n;
        throw new AssertionError("no " + peer);
    }
}
