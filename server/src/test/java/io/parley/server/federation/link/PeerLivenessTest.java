package io.parley.server.federation.link;

import io.parley.core.pod.PeerState;
import io.parley.server.Await;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pod that stops is marked SUSPECT, then DEAD by its peer within {@code dead_after_missed} heartbeats plus the
 * grace period (plus one interval of jitter and a scheduling allowance for a loaded machine), and ALIVE again once
 * it is back and has answered enough heartbeats in a row. The bound is asserted and the times printed.
 */
@Timeout(60)
class PeerLivenessTest {
    /** What a loaded 2-core machine may add to the timers. */
    static final Duration ALLOWANCE = Duration.ofMillis(700);
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    /** {@return the longest detection may take: misses + grace, one interval of jitter, and the allowance} */
    static Duration bound() {
        return Pods.INTERVAL.multipliedBy(Pods.MISSED + 1L).plus(Pods.GRACE).plus(ALLOWANCE);
    }

    @Test
    void aStoppedPodIsSuspectThenDeadWithinTheBoundAndAliveAfterItsRestart() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = Pods.start("pod-b");
        Pods.link(a, b);

        // Measured from the end of the graceful stop (which takes a while to drain); PodPartitionTest measures from
        // the instant of a kill -9 and of a cut link.
        b.server().stop();
        long stopped = System.nanoTime();
        Detection d = detect(a, "pod-b", stopped);
        System.out.printf("pod-b stopped: SUSPECT after %d ms, DEAD after %d ms (bound %d ms)%n", d.suspectMs, d.deadMs, bound().toMillis());
        assertTrue(d.deadMs <= bound().toMillis(), "declared dead after " + d.deadMs + " ms, bound " + bound().toMillis() + " ms");
        assertEquals("dead", a.state("pod-b"));

        TestServer back = TestServer.restartOnSamePort(b.server());
        open.add(back);
        long restarted = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "pod-a to see pod-b alive again",
                () -> a.federation().health().health("pod-b").state() == PeerState.ALIVE);
        System.out.printf("pod-b restarted: ALIVE after %d ms%n", (System.nanoTime() - restarted) / 1_000_000);
        assertEquals(a.federation().identity().publicKeyText(), back.server().federation().peers().find("pod-a").orElseThrow().publicKey(),
                "the restarted pod kept its links");
    }

    /**
     * Re-admission still takes answered heartbeats in a row (readmitAfter = 2), but a pod that is back is probed at
     * once when it calls in and again a quarter interval after it answers. With 2 s heartbeats, two answers a whole
     * interval apart would take at least 2 s; the probes bring the peer back well within one interval.
     */
    @Test
    void aRestartedPodIsReadmittedWithinOneIntervalByRecoveryProbes() throws Exception {
        Map<String, String> slow = Map.of("pod.heartbeat_interval", "2000ms", "pod.grace", "100ms");
        Pods.Pod a = open.pod("pod-a", slow);
        Pods.Pod b = Pods.start("pod-b", slow);
        Pods.link(a, b);
        b.server().stop();
        Await.until(Duration.ofSeconds(30), "pod-a to declare pod-b dead",
                () -> a.federation().health().health("pod-b").state() == PeerState.DEAD);
        TestServer back = TestServer.restartOnSamePort(b.server());
        open.add(back);
        long restarted = System.nanoTime();
        Await.until(Duration.ofSeconds(20), "pod-a to see pod-b alive again",
                () -> a.federation().health().health("pod-b").state() == PeerState.ALIVE);
        long ms = (System.nanoTime() - restarted) / 1_000_000;
        System.out.printf("pod-b restarted (2 s heartbeats): ALIVE after %d ms%n", ms);
        assertTrue(ms < 2000 - ALLOWANCE.toMillis() / 2, "re-admitted after " + ms + " ms; two heartbeats an interval apart take 2000 ms");
    }

    /** The times from a fault to SUSPECT and to DEAD. */
    record Detection(long suspectMs, long deadMs) {}

    /** Waits for the peer to be SUSPECT, then DEAD, as {@code observer} sees it. */
    static Detection detect(Pods.Pod observer, String peer, long since) throws InterruptedException {
        Await.until(bound().plusSeconds(5), observer.id() + " to suspect " + peer,
                () -> observer.federation().health().health(peer).state() != PeerState.ALIVE);
        long suspect = (System.nanoTime() - since) / 1_000_000;
        Await.until(bound().plusSeconds(5), observer.id() + " to declare " + peer + " dead",
                () -> observer.federation().health().health(peer).state() == PeerState.DEAD);
        long dead = (System.nanoTime() - since) / 1_000_000;
        return new Detection(suspect, dead);
    }
}
