package io.parley.server.federation.org;

import io.parley.server.federation.resilient.ResilientChannels;
import org.junit.jupiter.api.Test;

import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client ids of remote ops: the same op always gets the same id (the log's idempotency key), different streams
 * never share one, and one stream's ids sort in seq order as the log's index compares them (text), so a replayed
 * backlog appends to that index instead of scattering over it.
 */
class OrgInboundClientIdTest {
    @Test
    void anOpSentAgainGetsTheSameIdAndOtherStreamsOthers() {
        long high = OrgInbound.clientIdHigh("pod-a", "oc-1");
        assertEquals(OrgInbound.clientId(high, 42), OrgInbound.clientId(OrgInbound.clientIdHigh("pod-a", "oc-1"), 42));
        assertNotEquals(OrgInbound.clientId(high, 42), OrgInbound.clientId(high, 43));
        assertNotEquals(OrgInbound.clientId(high, 42), OrgInbound.clientId(OrgInbound.clientIdHigh("pod-b", "oc-1"), 42));
        assertNotEquals(OrgInbound.clientId(high, 42), OrgInbound.clientId(OrgInbound.clientIdHigh("pod-a", "oc-2"), 42));
        long restored = ResilientChannels.RESTORE_SEQ_BASE + 42; // a restored op: never a live op's id
        assertNotEquals(OrgInbound.clientId(high, 42), OrgInbound.clientId(high, restored));
        assertEquals(OrgInbound.clientId(high, restored), OrgInbound.clientId(high, restored));
        UUID id = OrgInbound.clientId(high, 42);
        assertEquals(8, id.version(), "a version 8 (custom layout) UUID");
        assertEquals(2, id.variant(), "the RFC 9562 variant");
    }

    @Test
    void oneStreamsIdsSortInSeqOrderAsTextAndAsUuids() {
        long high = OrgInbound.clientIdHigh("pod-a", "oc-1");
        TreeSet<Long> seqs = new TreeSet<>();
        for (long s = 0; s < 5_000; s++) seqs.add(s);
        for (long s = 1; s < Long.MAX_VALUE / 8; s *= 3) seqs.add(s); // up to 2^60: far beyond any log
        assertInSeqOrder(high, seqs);
        TreeSet<Long> restored = new TreeSet<>(); // a restore's run is in order too (apart from the live one)
        for (long s = 0; s < 1_000; s++) restored.add(ResilientChannels.RESTORE_SEQ_BASE + s);
        assertInSeqOrder(high, restored);
    }

    private static void assertInSeqOrder(long high, TreeSet<Long> seqs) {
        UUID prev = null;
        for (long s : seqs) {
            UUID id = OrgInbound.clientId(high, s);
            if (prev != null) {
                assertTrue(prev.toString().compareTo(id.toString()) < 0, prev + " then " + id + " (seq " + s + ")");
                assertTrue(prev.compareTo(id) < 0, "as UUIDs too, seq " + s);
            }
            prev = id;
        }
    }
}
