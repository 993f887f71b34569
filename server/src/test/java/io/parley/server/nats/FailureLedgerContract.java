package io.parley.server.nats;

import io.parley.core.auth.FailureLedger;
import io.parley.core.auth.ProofGate;
import io.parley.core.auth.ProofKind;
import io.parley.core.auth.ThrottleSettings;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.Await;
import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What every {@link FailureLedger} promises, run against each implementation: one node's memory, and the pod's NATS
 * ledger seen from two nodes. Updates are atomic across the nodes, an entry that counts nothing is gone, and the
 * proof gate on one node holds back a guesser on another.
 */
@Timeout(30)
abstract class FailureLedgerContract {
    /** Two nodes of one pod, each with its view of the pod's ledger (one node: the same ledger twice). */
    protected abstract List<FailureLedger> pod();

    protected final ManualClock clock = ManualClock.running();

    @Test
    void updatesFromManyThreadsOnBothNodesAreNeverLost() throws Exception {
        List<FailureLedger> nodes = pod();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            FailureLedger node = nodes.get(t % 2);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10; i++) node.update("k", e -> new FailureLedger.Entry(e.failures() + 1, 1_000L + e.failures()));
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(new FailureLedger.Entry(80, 1_079L), nodes.get(1).read("k"));
    }

    @Test
    void anEntryThatCountsNothingIsGoneAndCanComeBack() {
        List<FailureLedger> nodes = pod();
        FailureLedger.Change first = nodes.get(0).update("password|pair|ana@example.com|192.0.2.1", e -> new FailureLedger.Entry(3, 42));
        assertEquals(new FailureLedger.Change(FailureLedger.Entry.NONE, new FailureLedger.Entry(3, 42)), first);
        FailureLedger.Change cleared = nodes.get(1).update("password|pair|ana@example.com|192.0.2.1", e -> FailureLedger.Entry.NONE);
        assertEquals(new FailureLedger.Entry(3, 42), cleared.before());
        assertEquals(FailureLedger.Entry.NONE, nodes.get(0).read("password|pair|ana@example.com|192.0.2.1"));
        nodes.get(0).update("password|pair|ana@example.com|192.0.2.1", e -> new FailureLedger.Entry(e.failures() + 1, 43));
        assertEquals(new FailureLedger.Entry(1, 43), nodes.get(1).read("password|pair|ana@example.com|192.0.2.1"));
    }

    @Test
    void failuresOnOneNodeHoldBackTheGuesserOnTheOther() {
        clock.freeze();
        List<FailureLedger> nodes = pod();
        ProofGate a = new ProofGate(nodes.get(0), ThrottleSettings.DEFAULTS, clock);
        ProofGate b = new ProofGate(nodes.get(1), ThrottleSettings.DEFAULTS, clock);
        for (int i = 0; i < 5; i++) a.attempt(ProofKind.PASSWORD, "ana@example.com", "192.0.2.1", Optional::empty);
        ParleyException refused = assertThrows(ParleyException.class,
                () -> b.attempt(ProofKind.PASSWORD, "ana@example.com", "192.0.2.1", () -> Optional.of("ana")));
        assertAll(() -> assertEquals(ErrorCode.RATE_LIMITED, refused.code()), () -> assertEquals(1, refused.retryAfterSeconds()));
    }

    @Test
    void aBurstSpreadOverBothNodesGetsOnlyTheFreeAttempts() throws Exception {
        clock.freeze();
        List<FailureLedger> nodes = pod();
        List<ProofGate> gates = nodes.stream().map(l -> new ProofGate(l, ThrottleSettings.DEFAULTS, clock)).toList();
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            ProofGate gate = gates.get(t % 2);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gate.attempt(ProofKind.PASSWORD, "ana@example.com", "192.0.2.1", () -> {
                        ran.incrementAndGet();
                        try {
                            hold.await(10, TimeUnit.SECONDS); // still running while the others arrive
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Optional.empty();
                    });
                } catch (ParleyException e) {
                    refused.incrementAndGet();
                }
            }));
        }
        Await.until(Duration.ofSeconds(10), "15 refusals while 5 proofs run", () -> refused.get() == 15);
        hold.countDown();
        for (Thread t : threads) t.join();
        assertAll(() -> assertEquals(5, ran.get(), "admitted"), () -> assertEquals(15, refused.get(), "refused"));
    }
}
