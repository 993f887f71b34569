package io.parley.server.federation.org;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch is cut by content size as well as by count, so its envelope always fits a pod request. */
class OrgDeliveryBatchTest {
    private static OrgStore.LogEntry entry(long seq, String content) {
        UUID id = UUID.randomUUID();
        return new OrgStore.LogEntry(seq, "MESSAGE_POSTED", id, id, null, seq, Instant.EPOCH, id, content, null, null, "pod-a", false, null);
    }

    @Test
    void smallMessagesFillTheBatchByCount() {
        List<OrgStore.LogEntry> entries = new ArrayList<>();
        for (int i = 1; i <= OrgDelivery.BATCH; i++) entries.add(entry(i, "hello " + i));
        assertSame(entries, OrgDelivery.bounded(entries));
    }

    @Test
    void largeMessagesAreCutByBytesAndTheRestWaitsForTheNextBatch() {
        String big = "x".repeat(40_000); // Message.MAX_CONTENT
        List<OrgStore.LogEntry> entries = new ArrayList<>();
        for (int i = 1; i <= 500; i++) entries.add(entry(i, big));
        List<OrgStore.LogEntry> cut = OrgDelivery.bounded(entries);
        assertTrue(cut.size() < entries.size() && !cut.isEmpty(), "cut to " + cut.size());
        long bytes = cut.stream().mapToLong(e -> 3L * e.content().length()).sum();
        assertTrue(bytes <= OrgDelivery.BATCH_CONTENT_BYTES, bytes + " bytes");
        assertEquals(entries.subList(0, cut.size()), cut, "a prefix, in log order");
    }

    @Test
    void oneOversizedEntryStillGoesAlone() {
        List<OrgStore.LogEntry> one = List.of(entry(1, "y".repeat(200_000)), entry(2, "z"));
        assertEquals(1, OrgDelivery.bounded(one).size());
    }
}
