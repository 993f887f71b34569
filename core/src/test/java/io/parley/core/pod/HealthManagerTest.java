package io.parley.core.pod;

import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HealthManager on a clock the test moves: death detection, hysteresis, scores, overrides, listeners, threads. */
class HealthManagerTest {
    private static final Duration FAST = Duration.ofMillis(20);
    /** 1 s heartbeats, dead after 3 misses and 10 s grace, back after 2, threshold 30, half-life 60 s. */
    private static final HealthSettings SETTINGS = new HealthSettings(Duration.ofSeconds(1), 3, Duration.ofSeconds(10), 2, 30,
            Duration.ofSeconds(60));

    private final ManualClock clock = new ManualClock();
    private final HealthManager health = new HealthManager(SETTINGS, clock);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    HealthManagerTest() {
        health.addListener((peer, from, to) -> events.add(peer + ":" + from + "->" + to));
    }

    private PeerState state(String peer) {
        return health.health(peer).state();
    }

    @Test
    void settingsAreValidated() {
        Duration s = Duration.ofSeconds(1);
        assertAll(
                () -> assertEquals(3, HealthSettings.defaults().deadAfterMissed()),
                () -> assertEquals(30, HealthSettings.defaults().threshold()),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(Duration.ZERO, 3, s, 2, 30, s)),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(s, 0, s, 2, 30, s)),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(s, 3, s.negated(), 2, 30, s)),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(s, 3, s, 0, 30, s)),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(s, 3, s, 2, 101, s)),
                () -> assertThrows(IllegalArgumentException.class, () -> new HealthSettings(s, 3, s, 2, 30, null)),
                () -> assertEquals(Duration.ofSeconds(30), HealthSettings.defaults().detectionBound()));
    }

    @Test
    void deadExactlyAtThreeMissesAndGraceNotBefore() {
        health.heartbeatOk("b", FAST);
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatMissed("b");
            health.tick();
            assertEquals(PeerState.SUSPECT, state("b"), "after miss " + i);
            assertEquals(i, health.health("b").missedHeartbeats());
        }
        clock.advanceMillis(10_000 - 3_000 - 1); // 1 ms before the grace ends
        health.tick();
        assertEquals(PeerState.SUSPECT, state("b"));
        assertEquals(List.of("b:ALIVE->SUSPECT"), events, "not dead before the grace ends");
        clock.advanceMillis(1);
        health.tick();
        assertEquals(PeerState.DEAD, state("b"));
        assertFalse(health.usable("b"));
        assertEquals(0, health.health("b").score(), "a dead peer scores 0");
        assertEquals(List.of("b:ALIVE->SUSPECT", "b:SUSPECT->DEAD"), events);
    }

    @Test
    void withoutGraceTheThirdMissKillsAndTheSecondDoesNot() {
        HealthManager h = new HealthManager(new HealthSettings(Duration.ofSeconds(1), 3, Duration.ZERO, 2, 30,
                Duration.ofSeconds(60)), clock);
        h.heartbeatOk("b", FAST);
        clock.advance(Duration.ofSeconds(1));
        h.heartbeatMissed("b");
        clock.advance(Duration.ofSeconds(1));
        h.heartbeatMissed("b");
        h.tick();
        assertEquals(PeerState.SUSPECT, h.health("b").state());
        h.heartbeatMissed("b"); // third miss, same instant: no timer needed
        assertEquals(PeerState.DEAD, h.health("b").state());
    }

    @Test
    void missesAloneDoNotKillWhileTrafficStillSucceeds() {
        health.heartbeatOk("b", FAST);
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatMissed("b");
            health.recordSuccess("b", "direct", FAST); // the peer answers requests, only heartbeats fail
            health.tick();
        }
        assertEquals(PeerState.SUSPECT, state("b"));
    }

    @Test
    void silenceIsDetectedWithoutAnyReportedMiss() {
        HealthManager h = new HealthManager(new HealthSettings(Duration.ofSeconds(1), 3, Duration.ofSeconds(2), 2, 30,
                Duration.ofSeconds(60)), clock);
        h.watch("b"); // linked, never answered
        long deadAt = -1;
        for (long ms = 250; ms <= 10_000; ms += 250) {
            clock.advanceMillis(250);
            h.tick();
            if (deadAt < 0 && h.health("b").state() == PeerState.DEAD) deadAt = ms;
        }
        // one interval of slack, then 3 silent intervals: dead at 4 s, within the detection bound
        assertEquals(4_000, deadAt);
        assertTrue(Duration.ofMillis(deadAt).compareTo(h.settings().detectionBound()) <= 0);
    }

    @Test
    void alternatingOkAndMissNeverFlaps() {
        health.heartbeatOk("b", FAST);
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatMissed("b");
            health.tick();
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatOk("b", FAST);
            health.tick();
        }
        assertEquals(PeerState.SUSPECT, state("b"));
        assertEquals(List.of("b:ALIVE->SUSPECT"), events, "one change, no flapping");
        clock.advance(Duration.ofSeconds(1));
        health.heartbeatOk("b", FAST); // second in a row
        assertEquals(PeerState.ALIVE, state("b"));
    }

    @Test
    void aDeadPeerNeedsConsecutiveAnswersToComeBack() {
        killB();
        events.clear();
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatOk("b", FAST);
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatMissed("b");
            health.tick();
        }
        assertEquals(PeerState.DEAD, state("b"));
        assertEquals(List.of(), events);
        clock.advance(Duration.ofSeconds(1));
        health.heartbeatOk("b", FAST);
        health.tick();
        assertEquals(PeerState.DEAD, state("b"), "one answer is not enough");
        clock.advance(Duration.ofSeconds(1));
        health.heartbeatOk("b", FAST);
        assertEquals(PeerState.ALIVE, state("b"));
        assertEquals(List.of("b:DEAD->ALIVE"), events);
    }

    @Test
    void silenceBetweenAnswersResetsTheReadmissionStreak() {
        killB();
        clock.advance(Duration.ofSeconds(1));
        health.heartbeatOk("b", FAST);
        clock.advance(Duration.ofSeconds(5)); // silent for several intervals, no miss reported
        health.tick();
        health.heartbeatOk("b", FAST);
        assertEquals(PeerState.DEAD, state("b"));
    }

    private void killB() {
        health.heartbeatOk("b", FAST);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            health.heartbeatMissed("b");
            health.tick();
        }
        assertEquals(PeerState.DEAD, state("b"));
    }

    @Test
    void timeoutsHurtMoreThanRefusalsAndRejectionsMost() {
        Map<Failure, Integer> scores = new EnumMap<>(Failure.class);
        for (Failure f : Failure.values()) {
            String peer = "p-" + f;
            for (int i = 0; i < 20; i++) health.recordSuccess(peer, "direct", FAST);
            for (int i = 0; i < 5; i++) health.recordFailure(peer, "direct", f);
            scores.put(f, health.health(peer).score());
        }
        for (int i = 0; i < 20; i++) health.recordSuccess("clean", "direct", FAST);
        int clean = health.health("clean").score();
        assertAll(
                () -> assertTrue(clean > scores.get(Failure.REFUSED), scores + " clean " + clean),
                () -> assertTrue(scores.get(Failure.REFUSED) > scores.get(Failure.ERROR), scores::toString),
                () -> assertTrue(scores.get(Failure.ERROR) > scores.get(Failure.TIMEOUT), scores::toString),
                () -> assertTrue(scores.get(Failure.TIMEOUT) > scores.get(Failure.REJECTED), scores::toString),
                () -> assertEquals(HealthBand.EXCELLENT, health.health("clean").band()),
                () -> assertEquals(List.of("clean", "p-REFUSED", "p-ERROR", "p-TIMEOUT", "p-REJECTED"),
                        health.ranked(List.of("p-REJECTED", "p-TIMEOUT", "clean", "p-ERROR", "p-REFUSED"))));
    }

    @Test
    void latencyLowersTheScoreButNotTheBandOfAReliablePeer() {
        for (int i = 0; i < 30; i++) {
            health.recordSuccess("near", null, Duration.ofMillis(10));
            health.recordSuccess("far", null, Duration.ofMillis(900));
        }
        PeerHealth near = health.health("near");
        PeerHealth far = health.health("far");
        assertTrue(near.score() > far.score(), near + " " + far);
        assertEquals(HealthBand.EXCELLENT, near.band());
        assertEquals(HealthBand.NORMAL, far.band());
        assertEquals(900.0, far.meanLatencyMs(), 1e-9);
        assertEquals(900.0, far.p95LatencyMs(), 1e-9);
    }

    @Test
    void meanAndP95AreOverTheLastWindow() {
        for (int ms = 1; ms <= 100; ms++) health.recordSuccess("b", null, Duration.ofMillis(ms));
        PeerHealth h = health.health("b"); // window holds 37..100
        assertEquals(68.5, h.meanLatencyMs(), 1e-9);
        assertEquals(97.0, h.p95LatencyMs(), 1e-9);
    }

    @Test
    void decayLetsAScoreRecover() {
        for (int i = 0; i < 20; i++) health.recordFailure("b", null, Failure.TIMEOUT);
        int broken = health.health("b").score();
        assertTrue(broken < 20, "broken " + broken);
        assertFalse(health.usable("b"));
        clock.advance(Duration.ofMinutes(5)); // five half-lives: the failures count 1/32
        int rested = health.health("b").score();
        assertTrue(rested > broken, rested + " > " + broken);
        for (int i = 0; i < 10; i++) health.recordSuccess("b", null, FAST);
        int healed = health.health("b").score();
        assertTrue(healed >= 85, "healed " + healed);
        assertTrue(health.usable("b"));
    }

    @Test
    void anUnknownPeerIsNormalAndNotTracked() {
        PeerHealth h = health.health("stranger");
        assertAll(
                () -> assertEquals(PeerState.ALIVE, h.state()),
                () -> assertEquals(HealthBand.NORMAL, h.band()),
                () -> assertNull(h.lastSeen()),
                () -> assertTrue(h.usable()),
                () -> assertEquals(List.of(), health.all()));
    }

    @Test
    void routesAreScoredApart() {
        for (int i = 0; i < 10; i++) {
            health.recordFailure("b", "direct", Failure.TIMEOUT);
            health.recordSuccess("b", "relay:c", FAST);
        }
        Map<String, Integer> routes = health.health("b").routes();
        assertEquals(List.of("direct", "relay:c"), new ArrayList<>(routes.keySet()));
        assertTrue(routes.get("direct") < 20, routes::toString);
        assertTrue(routes.get("relay:c") >= 85, routes::toString);
    }

    @Test
    void theAdminOverrideWinsButCannotReviveTheDead() {
        for (int i = 0; i < 10; i++) health.recordSuccess("b", null, FAST);
        health.recordSuccess("c", null, FAST);
        health.override("b", 5);
        PeerHealth b = health.health("b");
        assertAll(
                () -> assertEquals(5, b.score()),
                () -> assertEquals(5, b.override()),
                () -> assertTrue(b.computedScore() >= 85),
                () -> assertFalse(b.usable()),
                () -> assertEquals(List.of("c", "b"), health.ranked(List.of("b", "c"))));
        health.override("b", null);
        assertTrue(health.usable("b"));
        assertNull(health.health("b").override());
        assertThrows(IllegalArgumentException.class, () -> health.override("b", 101));
        killB();
        health.override("b", 100);
        assertEquals(100, health.health("b").score());
        assertFalse(health.usable("b"), "dead is dead whatever the score");
    }

    @Test
    void rankingPutsTheDeadLastAndBreaksTiesById() {
        killB();
        health.override("x", 10); // alive but below the threshold: a last resort
        health.recordSuccess("z", null, FAST);
        health.recordSuccess("a", null, FAST);
        assertEquals(List.of("a", "z", "x", "b"), health.ranked(List.of("b", "x", "z", "a", "z")));
    }

    @Test
    void forgetDropsThePeer() {
        killB();
        health.forget("b");
        assertEquals(PeerState.ALIVE, state("b"));
        assertEquals(List.of(), health.all());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersAndListenersMayCallBack() throws Exception {
        List<String> seen = new ArrayList<>();
        health.addListener((p, f, t) -> { throw new IllegalStateException("boom"); });
        AutoCloseable handle = health.addListener((p, f, t) -> seen.add(p + " " + health.health(p).state()));
        health.heartbeatMissed("b");
        assertEquals(List.of("b SUSPECT"), seen);
        assertEquals(List.of("b:ALIVE->SUSPECT"), events);
        handle.close();
        health.heartbeatOk("b", FAST);
        health.heartbeatOk("b", FAST);
        assertEquals(List.of("b SUSPECT"), seen);
        assertEquals(List.of("b:ALIVE->SUSPECT", "b:SUSPECT->ALIVE"), events);
    }

    @Test
    void recordsTheClockOffset() {
        assertNull(health.health("b").clockOffset());
        health.recordClockOffset("b", Duration.ofMillis(-1500));
        assertEquals(Duration.ofMillis(-1500), health.health("b").clockOffset());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyThreadsAtOnceLeaveAConsistentChainOfStates() throws Exception {
        ConcurrentLinkedQueue<String[]> changes = new ConcurrentLinkedQueue<>();
        health.addListener((p, f, t) -> changes.add(new String[]{p, f.name(), t.name()}));
        List<String> peers = List.of("p0", "p1", "p2", "p3", "p4");
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++) {
                        String p = peers.get(r.nextInt(peers.size()));
                        switch (r.nextInt(8)) {
                            case 0 -> health.heartbeatOk(p, Duration.ofMillis(r.nextInt(100)));
                            case 1, 2 -> health.heartbeatMissed(p);
                            case 3 -> health.recordSuccess(p, "r" + r.nextInt(3), Duration.ofMillis(r.nextInt(100)));
                            case 4 -> health.recordFailure(p, "r" + r.nextInt(3), Failure.values()[r.nextInt(4)]);
                            case 5 -> health.tick();
                            case 6 -> health.ranked(peers);
                            default -> clock.advanceMillis(r.nextInt(200));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        // every peer's changes, in delivery order, form one chain from ALIVE to its current state
        Map<String, String> last = new HashMap<>();
        for (String[] c : changes) {
            assertEquals(last.getOrDefault(c[0], "ALIVE"), c[1], "change of " + c[0] + " starts where the last ended");
            last.put(c[0], c[2]);
        }
        for (String p : peers) assertEquals(last.getOrDefault(p, "ALIVE"), state(p).name());
        assertFalse(changes.isEmpty());
    }
}
