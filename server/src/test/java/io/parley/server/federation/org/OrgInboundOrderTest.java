package io.parley.server.federation.org;

import io.parley.server.Await;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PodResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.parley.server.federation.org.OrgBatches.contents;
import static io.parley.server.federation.org.OrgBatches.history;
import static io.parley.server.federation.org.OrgBatches.overtaken;
import static io.parley.server.federation.org.OrgBatches.posts;
import static io.parley.server.federation.org.OrgBatches.reply;
import static io.parley.server.federation.org.OrgBatches.send;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiving pod keeps an origin's order whatever order its batches arrive in (issue 16 §1): a batch names the origin
 * seq its predecessor ended with, and is held until that one is applied, or refused ({@code out_of_order}, with how far
 * the origin is applied here) once the hold is over. Batches are made by hand as pod-a's outbox makes them and sent to
 * pod-b in the order the test wants.
 */
@Timeout(60)
class OrgInboundOrderTest {
    private Pods.Pod a;
    private Pods.Pod b;
    private Orgs3.Shared s;
    private UUID chatB;

    @BeforeEach
    void link() throws Exception {
        a = Pods.start("pod-a");
        b = Pods.start("pod-b");
        Pods.link(a, b);
        s = Orgs3.share("order", a, b);
        chatB = s.chats().get(1);
    }

    @AfterEach
    void close() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    @Test
    void aBatchThatArrivesBeforeItsPredecessorWaitsForIt() throws Exception {
        List<OrgWire.Event> first = posts("pod-a", 1, 40, "first");
        List<OrgWire.Event> second = posts("pod-a", 41, 40, "second");
        double heldBefore = overtaken(b, "held");

        // The second batch arrives first: pod-b holds it (or, without the hold, applies it at once).
        CompletableFuture<PodResult> early = send(a, "pod-b", s, second, 40L);
        Await.until(Duration.ofSeconds(10), "the early batch held or answered",
                () -> overtaken(b, "held") > heldBefore || early.isDone());
        assertFalse(early.isDone(), "the batch that came first is not answered before the one it follows");
        CompletableFuture<PodResult> late = send(a, "pod-b", s, first, 0L);

        assertEquals("applied", reply(late.join()).status());
        OrgWire.BatchReply r = reply(early.join());
        assertAll(() -> assertEquals("applied", r.status()), () -> assertEquals(40, r.applied()));
        List<String> want = new ArrayList<>(contents(first));
        want.addAll(contents(second));
        assertEquals(want, history(b, chatB), "pod-b's log holds pod-a's posts in pod-a's order");
        assertEquals(0, overtaken(b, "refused"));
    }

    @Test
    void aBatchWhosePredecessorNeverComesIsRefusedWithWhatIsAppliedAndNothingOfItIsKept() {
        List<OrgWire.Event> first = posts("pod-a", 1, 5, "applied");
        assertEquals("applied", reply(send(a, "pod-b", s, first, 0L).join()).status());

        long start = System.nanoTime();
        OrgWire.BatchReply r = reply(send(a, "pod-b", s, posts("pod-a", 11, 5, "orphan"), 10L).join());
        long heldMs = (System.nanoTime() - start) / 1_000_000;
        assertAll(
                () -> assertEquals("out_of_order", r.status()),
                () -> assertEquals(5L, r.appliedThrough(), "pod-a's ops are applied through its seq 5 here"),
                () -> assertTrue(heldMs >= OriginTurns.HOLD.toMillis() - 50, "held for the hold first: " + heldMs + " ms"));
        assertEquals(contents(first), history(b, chatB), "nothing of the refused batch is stored");
        assertEquals(1, overtaken(b, "refused"));

        // The origin sends again from what pod-b has: the missing ops first, then the refused ones, all in order.
        List<OrgWire.Event> gap = posts("pod-a", 6, 5, "gap");
        assertEquals("applied", reply(send(a, "pod-b", s, gap, 5L).join()).status());
        List<OrgWire.Event> again = posts("pod-a", 11, 5, "orphan");
        assertEquals("applied", reply(send(a, "pod-b", s, again, 10L).join()).status());
        List<String> want = new ArrayList<>(contents(first));
        want.addAll(contents(gap));
        want.addAll(contents(again));
        assertEquals(want, history(b, chatB));
    }

    @Test
    void aBatchThatContradictsItsPredecessorIsRefusedAsInvalid() {
        PodResult backwards = send(a, "pod-b", s, posts("pod-a", 5, 3, "x"), 6L).join();
        PodResult negative = send(a, "pod-b", s, posts("pod-a", 1, 3, "y"), -1L).join();
        for (PodResult r : List.of(backwards, negative)) {
            assertTrue(r instanceof PodResult.Failed f && f.status() == 400 && "invalid_request".equals(f.code()), r.toString());
        }
        assertTrue(history(b, chatB).isEmpty(), "nothing stored");
    }
}
