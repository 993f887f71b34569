package io.parley.core.pod;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The per-origin order of a pod's log: two logs holding the same messages compare equal exactly when each origin's
 * messages come in the same order — however the origins interleave — where the state digest cannot tell them apart.
 * Examples first, then properties over random logs (fixed seeds, so a failure names the seed that reproduces it).
 */
@Timeout(30)
class OriginOrderTest {
    private static final String CHANNEL = "org:1234#general";
    private static final List<String> PODS = List.of("pod-a", "pod-b", "pod-c");
    private static final int SEEDS = 300;

    private static MessageKey key(String pod, int n) {
        return new MessageKey(pod, new UUID(0x0190_0000_0000_7000L + pod.hashCode(), n));
    }

    private static OriginOrder order(List<MessageKey> log) {
        OriginOrder o = new OriginOrder(CHANNEL);
        for (MessageKey k : log) o.append(k);
        return o;
    }

    /** {@return the state of a log as core's merge rules hold it: each message posted, by its origin's author} */
    private static ChannelReplica state(List<MessageKey> log) {
        ChannelReplica r = new ChannelReplica(CHANNEL);
        for (MessageKey k : log) {
            long n = k.messageId().getLeastSignificantBits();
            r.apply(new ReplicaOp.Post(k, k.originPod(), 1_000L + n, "ana@" + k.originPod(), null, "message " + n + " of " + k.originPod()));
        }
        return r;
    }

    /** {@return pod-a's 0–9 as a pod holds them after the bug of issue 16: the blocks 4–6 and 7–9 swapped} */
    private static List<MessageKey> swappedBlocks() {
        List<MessageKey> log = new ArrayList<>();
        for (int n : new int[]{0, 1, 2, 3, 7, 8, 9, 4, 5, 6}) log.add(key("pod-a", n));
        return log;
    }

    @Test
    void theSameMessagesWithAnOriginsBlocksSwappedNoLongerCompareEqual() {
        List<MessageKey> inOrder = new ArrayList<>();
        for (int n = 0; n < 10; n++) inOrder.add(key("pod-a", n));
        List<MessageKey> swapped = swappedBlocks();

        assertEquals(state(inOrder).digest(), state(swapped).digest(), "the state digest is blind to the log's order, by design");
        assertNotEquals(order(inOrder).digest(), order(swapped).digest());
        assertEquals(List.of(0L, 1L, 2L, 3L, 7L, 8L, 9L, 4L, 5L, 6L),
                order(swapped).byOrigin().get("pod-a").stream().map(UUID::getLeastSignificantBits).toList());
    }

    @Test
    void originsInterleavedDifferentlyCompareEqual() {
        // pod-b's log and pod-c's: each took the other two origins' messages as they arrived.
        List<MessageKey> onB = List.of(key("pod-a", 0), key("pod-b", 0), key("pod-a", 1), key("pod-c", 0), key("pod-b", 1), key("pod-a", 2));
        List<MessageKey> onC = List.of(key("pod-c", 0), key("pod-b", 0), key("pod-b", 1), key("pod-a", 0), key("pod-a", 1), key("pod-a", 2));
        assertEquals(order(onB).digest(), order(onC).digest());
    }

    @Test
    void aMissingOrExtraMessageOrAnotherChannelChangesTheDigest() {
        List<MessageKey> log = List.of(key("pod-a", 0), key("pod-a", 1), key("pod-b", 0));
        String digest = order(log).digest();
        assertNotEquals(digest, order(log.subList(0, 2)).digest());
        assertNotEquals(digest, order(List.of(key("pod-a", 0), key("pod-a", 1), key("pod-b", 0), key("pod-b", 1))).digest());
        // The same ids under another origin are other messages.
        assertNotEquals(digest, order(List.of(key("pod-a", 0), key("pod-a", 1), new MessageKey("pod-c", key("pod-b", 0).messageId()))).digest());
        OriginOrder other = new OriginOrder("org:1234#random");
        for (MessageKey k : log) other.append(k);
        assertNotEquals(digest, other.digest());
        assertEquals(new OriginOrder(CHANNEL).digest(), new OriginOrder(CHANNEL).digest());
        assertThrows(IllegalArgumentException.class, () -> new OriginOrder(" "));
    }

    /** Random logs of three origins: any interleaving of the same per-origin orders compares equal; one swap does not. */
    @Test
    void propertiesOverRandomLogs() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Map<String, List<MessageKey>> byOrigin = new LinkedHashMap<>();
            for (String pod : PODS) {
                List<MessageKey> mine = new ArrayList<>();
                int n = 1 + rnd.nextInt(40);
                for (int i = 0; i < n; i++) mine.add(key(pod, i));
                byOrigin.put(pod, mine);
            }
            List<MessageKey> one = interleave(byOrigin, rnd), two = interleave(byOrigin, rnd);
            String s = "seed " + seed;
            assertEquals(order(one).digest(), order(two).digest(), s);
            assertEquals(state(one).digest(), state(two).digest(), s);

            // Swap two messages of one origin (with more than one) somewhere in the log: same set, same state, other order.
            String pod = PODS.get(rnd.nextInt(PODS.size()));
            List<MessageKey> mine = byOrigin.get(pod);
            if (mine.size() < 2) continue;
            int i = rnd.nextInt(mine.size()), j = (i + 1 + rnd.nextInt(mine.size() - 1)) % mine.size();
            List<MessageKey> swapped = new ArrayList<>(two);
            Collections.swap(swapped, swapped.indexOf(mine.get(i)), swapped.indexOf(mine.get(j)));
            assertEquals(state(two).digest(), state(swapped).digest(), s);
            assertNotEquals(order(two).digest(), order(swapped).digest(), s);
        }
    }

    /** {@return the origins' messages merged at random, each origin's kept in its order} */
    private static List<MessageKey> interleave(Map<String, List<MessageKey>> byOrigin, Random rnd) {
        Map<String, Integer> next = new LinkedHashMap<>();
        byOrigin.keySet().forEach(p -> next.put(p, 0));
        List<MessageKey> out = new ArrayList<>();
        while (true) {
            List<String> left = next.keySet().stream().filter(p -> next.get(p) < byOrigin.get(p).size()).toList();
            if (left.isEmpty()) return out;
            String p = left.get(rnd.nextInt(left.size()));
            out.add(byOrigin.get(p).get(next.get(p)));
            next.merge(p, 1, Integer::sum);
        }
    }
}
