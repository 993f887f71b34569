package io.parley.core.pod;

import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acting primaries of a resilient channel: the deterministic winner, lapses, hand-back, conflicts and fencing. */
class LeaseElectionTest {
    private static final String CH = "org:1234#incidents";
    /** 30 s leases, 2 s skew. */
    private static final LeaseSettings SETTINGS = LeaseSettings.defaults();
    private static final List<Candidate> CANDIDATES = List.of(new Candidate("pod-a", 10), new Candidate("pod-c", 5),
            new Candidate("pod-b", 5));

    private final ManualClock clock = new ManualClock();
    /** Pods this test's "network" currently considers down, per observing pod. */
    private final Set<String> downForA = new HashSet<>();
    private final Set<String> downForB = new HashSet<>();
    private final Set<String> downForC = new HashSet<>();
    private final LeaseElection a = new LeaseElection("pod-a", SETTINGS, p -> !downForA.contains(p), clock);
    private final LeaseElection b = new LeaseElection("pod-b", SETTINGS, p -> !downForB.contains(p), clock);
    private final LeaseElection c = new LeaseElection("pod-c", SETTINGS, p -> !downForC.contains(p), clock);

    private static String holder(LeaseElection e) {
        return e.current(CH).orElseThrow().holder();
    }

    @Test
    void theBestEligibleCandidateWinsAndEveryPodPicksTheSame() {
        Lease first = a.elect(CH, CANDIDATES).orElseThrow();
        assertAll(
                () -> assertEquals("pod-a", first.holder()),
                () -> assertEquals(1, first.term()),
                () -> assertEquals(clock.instant().plus(Duration.ofSeconds(30)), first.expiresAt()),
                () -> assertEquals(first.holder(), b.elect(CH, CANDIDATES).orElseThrow().holder()),
                () -> assertEquals(first.holder(), c.elect(CH, CANDIDATES).orElseThrow().holder()));
        // without pod-a: priority 5 twice, the smaller pod id wins
        LeaseElection fresh = new LeaseElection("pod-b", SETTINGS, p -> !p.equals("pod-a"), clock);
        assertEquals("pod-b", fresh.elect(CH, CANDIDATES).orElseThrow().holder());
    }

    @Test
    void noEligibleCandidateMeansNoLease() {
        LeaseElection lonely = new LeaseElection("pod-z", SETTINGS, p -> false, clock);
        assertTrue(lonely.elect(CH, CANDIDATES).isEmpty());
    }

    @Test
    void skewedOrUnmeasuredClocksAndUnusablePeersAreNotEligible() {
        HealthManager health = new HealthManager(HealthSettings.defaults(), clock);
        health.recordClockOffset("pod-a", Duration.ofSeconds(5)); // beyond 2 s
        health.recordClockOffset("pod-b", Duration.ofMillis(-1500));
        health.recordClockOffset("pod-d", Duration.ZERO);
        health.override("pod-d", 0); // unusable
        // pod-c: clock never measured
        Eligibility e = Eligibility.fromHealth(health, "pod-self", SETTINGS.maxClockSkew());
        assertAll(
                () -> assertFalse(e.eligible("pod-a")),
                () -> assertTrue(e.eligible("pod-b")),
                () -> assertFalse(e.eligible("pod-c")),
                () -> assertFalse(e.eligible("pod-d")),
                () -> assertTrue(e.eligible("pod-self")));
        LeaseElection election = new LeaseElection("pod-self", SETTINGS, e, clock);
        List<Candidate> all = List.of(new Candidate("pod-a", 10), new Candidate("pod-b", 3), new Candidate("pod-c", 9),
                new Candidate("pod-d", 9), new Candidate("pod-self", 1));
        assertEquals("pod-b", election.elect(CH, all).orElseThrow().holder());
    }

    @Test
    void aLiveLeaseIsRespectedAndTakenOverOnlyAfterItLapsedBeyondTheSkew() {
        downForB.add("pod-a");
        Lease lease = b.elect(CH, CANDIDATES).orElseThrow(); // pod-a is down: pod-b acts
        assertEquals("pod-b", lease.holder());
        c.observe(lease, CANDIDATES);
        downForC.add("pod-b"); // pod-c loses sight of pod-b, but its lease still runs
        clock.advance(Duration.ofSeconds(31));
        assertEquals("pod-b", c.elect(CH, CANDIDATES).orElseThrow().holder(), "lease ended 1 s ago, within the skew");
        clock.advance(Duration.ofSeconds(1));
        Lease next = c.elect(CH, CANDIDATES).orElseThrow();
        assertAll(() -> assertEquals("pod-a", next.holder()), () -> assertEquals(2, next.term()));
    }

    @Test
    void theHolderStopsActingBeforeItsLeaseEndsAndRenewsOnlyWhileLive() {
        Lease lease = a.elect(CH, CANDIDATES).orElseThrow();
        assertTrue(a.isHolder(CH));
        assertFalse(b.isHolder(CH));
        clock.advance(Duration.ofSeconds(27));
        assertTrue(a.isHolder(CH));
        assertTrue(a.renew(CH).isPresent());
        assertEquals(lease.term(), a.current(CH).orElseThrow().term());
        clock.advance(Duration.ofSeconds(28)); // 2 s before the renewed end: the skew margin
        assertFalse(a.isHolder(CH));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(a.renew(CH).isEmpty(), "an ended lease cannot be renewed; elect again");
        assertTrue(b.renew(CH).isEmpty(), "only the holder renews");
        Lease again = a.elect(CH, CANDIDATES).orElseThrow();
        assertEquals(2, again.term());
    }

    @Test
    void theHolderHandsTheChannelBackToTheReturningPrimaryButOthersDoNotPreempt() {
        downForB.add("pod-a");
        Lease acting = b.elect(CH, CANDIDATES).orElseThrow();
        c.observe(acting, CANDIDATES);
        // the primary returns; pod-c sees it, but pod-b's lease is live: pod-c does not take the channel from it
        assertEquals("pod-b", c.elect(CH, CANDIDATES).orElseThrow().holder());
        downForB.clear();
        Lease back = b.elect(CH, CANDIDATES).orElseThrow();
        assertAll(() -> assertEquals("pod-a", back.holder()), () -> assertEquals(2, back.term()), () -> assertFalse(b.isHolder(CH)));
        assertEquals(LeaseElection.Outcome.ADOPTED, a.observe(back, CANDIDATES).outcome());
        assertTrue(a.isHolder(CH));
        assertTrue(a.renew(CH).isPresent());
    }

    @Test
    void aSplitBrainIsDetectedAndResolvedAlikeOnBothSides() {
        // a partition: each side thinks the other is dead and elects itself at term 1
        List<Candidate> candidates = List.of(new Candidate("pod-a", 5), new Candidate("pod-b", 10));
        downForA.add("pod-b");
        downForB.add("pod-a");
        Lease onA = a.elect(CH, candidates).orElseThrow();
        Lease onB = b.elect(CH, candidates).orElseThrow();
        assertAll(() -> assertEquals("pod-a", onA.holder()), () -> assertEquals("pod-b", onB.holder()),
                () -> assertEquals(1, onA.term()), () -> assertEquals(1, onB.term()));
        // healed: each hears the other's lease
        LeaseElection.Observation atA = a.observe(onB, candidates);
        LeaseElection.Observation atB = b.observe(onA, candidates);
        assertAll(
                () -> assertEquals(LeaseElection.Outcome.CONFLICT_RESOLVED, atA.outcome()),
                () -> assertEquals(LeaseElection.Outcome.CONFLICT_RESOLVED, atB.outcome()),
                () -> assertEquals("pod-b", atA.lease().holder(), "the better-ranked holder wins"),
                () -> assertEquals("pod-b", atB.lease().holder()),
                () -> assertEquals(2, atA.lease().term()),
                () -> assertEquals(2, atB.lease().term()),
                () -> assertFalse(a.isHolder(CH)),
                () -> assertTrue(b.isHolder(CH)));
        // and the leases they exchange next agree
        assertTrue(Set.of(LeaseElection.Outcome.UNCHANGED, LeaseElection.Outcome.RENEWED)
                .contains(a.observe(b.current(CH).orElseThrow(), candidates).outcome()));
        // fencing: what pod-a decided at term 1 is refused now
        assertFalse(b.accepts(CH, "pod-a", 1));
        assertFalse(b.accepts(CH, "pod-a", 2));
        assertTrue(b.accepts(CH, "pod-b", 2));
        assertTrue(b.accepts(CH, "pod-a", 3), "a newer term is accepted (and must then be observed)");
    }

    @Test
    void aHigherTermWinsAndAStaleOneIsIgnored() {
        Lease mine = a.elect(CH, CANDIDATES).orElseThrow();
        assertTrue(a.isHolder(CH));
        Lease newer = new Lease(CH, "pod-c", mine.term() + 3, clock.instant().plusSeconds(30));
        assertEquals(LeaseElection.Outcome.ADOPTED, a.observe(newer, CANDIDATES).outcome());
        assertFalse(a.isHolder(CH), "overlapping leases: the lower term steps down");
        assertEquals("pod-c", holder(a));
        assertEquals(LeaseElection.Outcome.STALE, a.observe(mine, CANDIDATES).outcome());
        assertEquals(newer, a.current(CH).orElseThrow());
        Lease renewed = new Lease(CH, "pod-c", newer.term(), newer.expiresAt().plusSeconds(10));
        assertEquals(LeaseElection.Outcome.RENEWED, a.observe(renewed, CANDIDATES).outcome());
        assertEquals(LeaseElection.Outcome.UNCHANGED, a.observe(newer, CANDIDATES).outcome());
    }

    @Test
    void settingsAndLeasesAreValidated() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> new LeaseSettings(Duration.ofSeconds(4), Duration.ofSeconds(2))),
                () -> assertThrows(IllegalArgumentException.class, () -> new LeaseSettings(Duration.ZERO, Duration.ZERO)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Lease(CH, "pod-a", 0, Instant.EPOCH)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Candidate(" ", 1)));
    }
}
