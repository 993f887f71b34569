package io.parley.core.pod;

import io.parley.core.pod.ReplicaOp.Delete;
import io.parley.core.pod.ReplicaOp.Edit;
import io.parley.core.pod.ReplicaOp.Post;
import io.parley.core.pod.ReplicaOp.React;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge rules of replicated channel logs: examples of each rule, then properties over random op sets
 * (fixed seeds, so a failure names the seed that reproduces it).
 */
class ChannelReplicaTest {
    private static final String CHANNEL = "org:1234#general";
    private static final List<String> PODS = List.of("pod-a", "pod-b", "pod-c");
    private static final int SEEDS = 300;

    static MessageKey key(String pod, int n) {
        return new MessageKey(pod, new UUID(0x0190_0000_0000_7000L, n));
    }

    private static ChannelReplica replica(List<? extends ReplicaOp> ops) {
        ChannelReplica r = new ChannelReplica(CHANNEL);
        r.applyAll(ops);
        return r;
    }

    // ---- the rules, one example each ----

    @Test
    void aTombstoneWinsOverStaleAndNewerEdits() {
        MessageKey m = key("pod-a", 1);
        List<ReplicaOp> ops = List.of(
                new Post(m, "pod-a", 10, "ana", null, "hello"),
                new Edit(m, "pod-b", 11, "stale edit"),
                new Delete(m, "pod-a", 12),
                new Edit(m, "pod-c", 99, "newer edit"));
        for (List<ReplicaOp> order : permutations(ops)) {
            ReplicatedMessage v = replica(order).view().getFirst();
            assertAll(() -> assertTrue(v.deleted()), () -> assertNull(v.content()), () -> assertEquals("ana", v.author()));
        }
    }

    @Test
    void deletedTextIsNotKeptSoReplicasThatSawDifferentEditsAgree() {
        MessageKey m = key("pod-a", 1);
        ChannelReplica one = replica(List.of(new Post(m, "pod-a", 10, "ana", null, "secret"),
                new Edit(m, "pod-b", 11, "more secret"), new React(m, "pod-b", 11, "bo", "+1", true), new Delete(m, "pod-a", 12)));
        ChannelReplica two = replica(List.of(new Delete(m, "pod-a", 12), new Post(m, "pod-a", 10, "ana", null, "secret")));
        assertEquals(one.digest(), two.digest());
        MessageReplica state = one.get(m).orElseThrow();
        assertAll(() -> assertNull(state.content()), () -> assertTrue(state.reactions().isEmpty()));
    }

    @Test
    void theLastEditWinsByHlcThenPod() {
        MessageKey m = key("pod-a", 1);
        List<ReplicaOp> ops = List.of(
                new Post(m, "pod-a", 10, "ana", null, "v0"),
                new Edit(m, "pod-a", 20, "from a"),
                new Edit(m, "pod-c", 20, "from c"), // same hlc: the larger pod id wins
                new Edit(m, "pod-b", 15, "older"));
        for (List<ReplicaOp> order : permutations(ops)) {
            ReplicatedMessage v = replica(order).view().getFirst();
            assertEquals("from c", v.content());
            assertTrue(v.edited());
        }
    }

    @Test
    void reactionsConvergeAsAddRemoveSets() {
        MessageKey m = key("pod-a", 1);
        List<ReplicaOp> ops = List.of(
                new Post(m, "pod-a", 10, "ana", null, "hi"),
                new React(m, "pod-a", 11, "bo", "+1", true),
                new React(m, "pod-b", 13, "bo", "+1", false),  // the last word on (bo, +1): removed
                new React(m, "pod-c", 12, "bo", "+1", true),   // a stale add cannot bring it back
                new React(m, "pod-b", 14, "cy", "+1", true),
                new React(m, "pod-a", 14, "cy", "tada", true),
                new React(m, "pod-a", 15, "ana", "tada", true),
                new React(m, "pod-b", 16, "di", "tada", true),
                new React(m, "pod-b", 16, "di", "tada", false)); // same stamp: the removal wins
        Map<String, List<String>> expected = Map.of("+1", List.of("cy"), "tada", List.of("ana", "cy"));
        String digest = replica(ops).digest();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            List<ReplicaOp> shuffled = new ArrayList<>(ops);
            Collections.shuffle(shuffled, random);
            ChannelReplica r = replica(shuffled);
            assertEquals(expected, r.view().getFirst().reactions());
            assertEquals(digest, r.digest());
        }
    }

    @Test
    void writesBeforeThePostAreHeldAndShownOnceItArrives() {
        MessageKey m = key("pod-b", 1);
        ChannelReplica r = replica(List.of(new Edit(m, "pod-b", 20, "edited"), new React(m, "pod-a", 21, "ana", "+1", true)));
        assertEquals(List.of(), r.view());
        assertEquals(1, r.size());
        String before = r.digest();
        assertTrue(r.apply(new Post(m, "pod-b", 10, "bo", null, "draft")));
        assertNotEquals(before, r.digest());
        ReplicatedMessage v = r.view().getFirst();
        assertAll(() -> assertEquals("edited", v.content()), () -> assertEquals(Map.of("+1", List.of("ana")), v.reactions()));
    }

    @Test
    void theViewIsOrderedByHlcThenOriginPodThenId() {
        List<ReplicaOp> ops = List.of(
                new Post(key("pod-b", 2), "pod-b", 30, "bo", null, "4"),
                new Post(key("pod-c", 9), "pod-c", 20, "cy", null, "3"),
                new Post(key("pod-a", 5), "pod-a", 20, "ana", null, "2"),
                new Post(key("pod-a", 4), "pod-a", 20, "ana", key("pod-c", 9), "1"),
                new Post(key("pod-c", 1), "pod-c", 5, "cy", null, "0"));
        List<String> order = replica(ops).view().stream().map(ReplicatedMessage::content).toList();
        assertEquals(List.of("0", "1", "2", "3", "4"), order);
        assertEquals(key("pod-c", 9), replica(ops).view().get(1).threadRoot());
    }

    @Test
    void twoDifferentPostsOfOneKeyResolveAlikeEverywhere() {
        MessageKey m = key("pod-a", 1); // a broken or hostile origin reusing an id: still no divergence
        List<ReplicaOp> ops = List.of(
                new Post(m, "pod-a", 10, "ana", null, "first"),
                new Post(m, "pod-a", 12, "eve", key("pod-b", 3), "second"));
        for (List<ReplicaOp> order : permutations(ops)) {
            ReplicatedMessage v = replica(order).view().getFirst();
            assertAll(() -> assertEquals("ana", v.author()), () -> assertEquals(10, v.createdHlc()),
                    () -> assertNull(v.threadRoot()), () -> assertEquals("second", v.content()));
        }
    }

    @Test
    void applyReportsWhetherAnythingChanged() {
        MessageKey m = key("pod-a", 1);
        ChannelReplica r = new ChannelReplica(CHANNEL);
        assertTrue(r.apply(new Post(m, "pod-a", 10, "ana", null, "hi")));
        assertFalse(r.apply(new Post(m, "pod-a", 10, "ana", null, "hi")), "duplicate");
        assertTrue(r.apply(new Edit(m, "pod-a", 12, "new")));
        assertFalse(r.apply(new Edit(m, "pod-b", 11, "lost")), "a write that lost changes nothing");
        ChannelReplica copy = new ChannelReplica(CHANNEL);
        assertEquals(1, copy.merge(r));
        assertEquals(0, copy.merge(r));
        assertEquals(0, r.merge(r));
    }

    @Test
    void badInputIsRefused() {
        MessageKey m = key("pod-a", 1);
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> new Post(m, "pod-b", 1, "ana", null, "x")),
                () -> assertThrows(IllegalArgumentException.class, () -> new Post(m, "pod-a", 1, "ana", m, "x")),
                () -> assertThrows(IllegalArgumentException.class, () -> new Edit(m, "pod-a", -1, "x")),
                () -> assertThrows(IllegalArgumentException.class, () -> new React(m, "pod-a", 1, " ", "+1", true)),
                () -> assertThrows(IllegalArgumentException.class, () -> new MessageKey("", UUID.randomUUID())),
                () -> assertThrows(IllegalArgumentException.class,
                        () -> new ChannelReplica(CHANNEL).merge(new ChannelReplica("org:1#other"))),
                () -> assertThrows(IllegalArgumentException.class,
                        () -> MessageReplica.empty(m).merge(MessageReplica.empty(key("pod-a", 2)))));
    }

    // ---- properties over random op sets ----

    @Test
    void anyOrderAndAnyDuplicationGiveTheSameState() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed);
            List<ReplicaOp> ops = randomOps(random);
            ChannelReplica reference = replica(ops);
            List<ReplicaOp> messy = new ArrayList<>();
            for (ReplicaOp op : ops) for (int n = 1 + random.nextInt(3); n > 0; n--) messy.add(op);
            Collections.shuffle(messy, random);
            ChannelReplica other = replica(messy);
            assertEquals(reference.digest(), other.digest(), "seed " + seed);
            assertEquals(reference.view(), other.view(), "seed " + seed);
        }
    }

    @Test
    void mergingInAnyGroupingGivesTheSameState() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed);
            List<ReplicaOp> ops = randomOps(random);
            String expected = replica(ops).digest();
            // three pods, each having seen a random part of the writes (each write reaches at least one)
            List<List<ReplicaOp>> seen = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (ReplicaOp op : ops) {
                seen.get(random.nextInt(3)).add(op);
                if (random.nextInt(3) == 0) seen.get(random.nextInt(3)).add(op);
            }
            for (List<ReplicaOp> s : seen) Collections.shuffle(s, random);
            ChannelReplica abThenC = replica(seen.get(0));
            abThenC.merge(replica(seen.get(1)));
            abThenC.merge(replica(seen.get(2)));
            ChannelReplica bc = replica(seen.get(1));
            bc.merge(replica(seen.get(2)));
            ChannelReplica aThenBc = replica(seen.get(0));
            aThenBc.merge(bc);
            ChannelReplica cThenAThenB = replica(seen.get(2));
            cThenAThenB.merge(replica(seen.get(0)));
            cThenAThenB.merge(replica(seen.get(1)));
            cThenAThenB.merge(abThenC); // and once more: idempotent
            ChannelReplica viaStates = new ChannelReplica(CHANNEL);
            for (List<ReplicaOp> s : seen) viaStates.mergeStates(replica(s).states());
            String s = "seed " + seed;
            assertAll(s,
                    () -> assertEquals(expected, abThenC.digest()),
                    () -> assertEquals(expected, aThenBc.digest()),
                    () -> assertEquals(expected, cThenAThenB.digest()),
                    () -> assertEquals(expected, viaStates.digest()),
                    () -> assertEquals(0, abThenC.merge(aThenBc)),
                    () -> assertEquals(abThenC.messageDigests(), cThenAThenB.messageDigests()));
        }
    }

    @Test
    void theMergedViewIsWhatTheRulesSay() {
        for (int seed = 0; seed < SEEDS; seed++) {
            List<ReplicaOp> ops = randomOps(new Random(seed));
            assertEquals(model(ops), replica(ops).view(), "seed " + seed);
        }
    }

    @Test
    void aDifferenceShowsInTheDigest() {
        MessageKey m = key("pod-a", 1);
        ChannelReplica one = replica(List.of(new Post(m, "pod-a", 10, "ana", null, "hi")));
        ChannelReplica two = replica(List.of(new Post(m, "pod-a", 10, "ana", null, "hi")));
        assertEquals(one.digest(), two.digest());
        assertEquals(64, one.digest().length());
        two.apply(new React(m, "pod-b", 11, "bo", "+1", false)); // even an invisible removal mark is state
        assertNotEquals(one.digest(), two.digest());
        assertNotEquals(one.messageDigests(), two.messageDigests());
        assertNotEquals(one.digest(), new ChannelReplica("org:1#other").digest());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void replicasWrittenAndMergedFromManyThreadsConverge() throws Exception {
        List<ReplicaOp> ops = randomOps(new Random(42));
        for (int i = 0; i < 20; i++) ops.addAll(randomOps(new Random(1000 + i)));
        ChannelReplica a = new ChannelReplica(CHANNEL);
        ChannelReplica b = new ChannelReplica(CHANNEL);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int shard = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = shard; i < ops.size(); i += 4) {
                        (i % 2 == 0 ? a : b).apply(ops.get(i));
                        if (i % 17 == 0) {
                            a.merge(b);
                            b.merge(a);
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
        a.merge(b);
        b.merge(a);
        assertEquals(replica(ops).digest(), a.digest());
        assertEquals(a.digest(), b.digest());
    }

    // ---- generators and the model ----

    /**
     * Writes from three pods on a handful of messages: posts, edits, deletes, reactions added and removed by a
     * few users, some writes to messages whose post never comes. Each pod's stamps rise; the pods' clocks are
     * close, so equal hlcs across pods are common and the pod tie-break is exercised.
     */
    static List<ReplicaOp> randomOps(Random random) {
        Map<String, Long> clocks = new HashMap<>();
        for (String p : PODS) clocks.put(p, 1000L);
        List<ReplicaOp> ops = new ArrayList<>();
        int messages = 1 + random.nextInt(10);
        List<MessageKey> keys = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String origin = PODS.get(random.nextInt(PODS.size()));
            MessageKey k = key(origin, i);
            keys.add(k);
            if (random.nextInt(8) > 0) { // now and then the post never arrives
                MessageKey root = i > 0 && random.nextInt(3) == 0 ? keys.get(random.nextInt(i)) : null;
                ops.add(new Post(k, origin, tick(clocks, origin, random), "user" + random.nextInt(3), root, "post " + i));
            }
        }
        int writes = random.nextInt(40);
        for (int i = 0; i < writes; i++) {
            MessageKey k = keys.get(random.nextInt(keys.size()));
            String pod = PODS.get(random.nextInt(PODS.size()));
            long hlc = tick(clocks, pod, random);
            int kind = random.nextInt(10);
            if (kind < 3) ops.add(new Edit(k, pod, hlc, "edit " + i));
            else if (kind < 4) ops.add(new Delete(k, pod, hlc));
            else ops.add(new React(k, pod, hlc, "user" + random.nextInt(3), random.nextBoolean() ? "+1" : "tada",
                    random.nextInt(3) > 0));
        }
        return ops;
    }

    private static long tick(Map<String, Long> clocks, String pod, Random random) {
        return clocks.merge(pod, 1L + random.nextInt(2), Long::sum);
    }

    /** The rules computed directly from the ops, without any merging: what every replica must show. */
    private static List<ReplicatedMessage> model(List<ReplicaOp> ops) {
        Map<MessageKey, List<ReplicaOp>> byKey = new HashMap<>();
        for (ReplicaOp op : ops) byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        List<ReplicatedMessage> out = new ArrayList<>();
        for (List<ReplicaOp> mine : byKey.values()) {
            Post post = mine.stream().filter(o -> o instanceof Post).map(o -> (Post) o).findFirst().orElse(null);
            if (post == null) continue;
            boolean deleted = mine.stream().anyMatch(o -> o instanceof Delete);
            ReplicaOp lastWrite = mine.stream().filter(o -> o instanceof Post || o instanceof Edit)
                    .max(Comparator.comparing(ReplicaOp::stamp)).orElseThrow();
            String content = deleted ? null : lastWrite instanceof Edit e ? e.content() : post.content();
            Map<String, React> lastReaction = new TreeMap<>();
            for (ReplicaOp o : mine) {
                if (!(o instanceof React r)) continue;
                lastReaction.merge(r.user() + "\u0000" + r.emoji(), r, (x, y) -> {
                    int c = x.stamp().compareTo(y.stamp());
                    if (c != 0) return c > 0 ? x : y;
                    return x.add() ? y : x; // the removal wins a tie
                });
            }
            Map<String, List<String>> reactions = new TreeMap<>();
            if (!deleted) {
                for (React r : lastReaction.values()) {
                    if (r.add()) reactions.computeIfAbsent(r.emoji(), e -> new ArrayList<>()).add(r.user());
                }
            }
            reactions.values().forEach(Collections::sort);
            out.add(new ReplicatedMessage(post.key(), post.author(), post.threadRoot(), post.hlc(), content, deleted,
                    !deleted && lastWrite instanceof Edit, reactions));
        }
        out.sort(Comparator.comparingLong(ReplicatedMessage::createdHlc)
                .thenComparing(m -> m.key().originPod()).thenComparing(m -> m.key().messageId()));
        return out;
    }

    private static List<List<ReplicaOp>> permutations(List<ReplicaOp> ops) {
        if (ops.isEmpty()) return List.of(List.of());
        List<List<ReplicaOp>> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            List<ReplicaOp> rest = new ArrayList<>(ops);
            ReplicaOp first = rest.remove(i);
            for (List<ReplicaOp> tail : permutations(rest)) {
                List<ReplicaOp> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
