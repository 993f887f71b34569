package io.parley.core.id;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Uuid7Test {
    @Test
    void idsAreVersion7VariantRfcAndCarryTheirMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = Uuid7.next();
        long after = System.currentTimeMillis();
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertTrue(Uuid7.millisOf(id) >= before && Uuid7.millisOf(id) <= after + 1);
    }

    @Test
    void idsMintedInOneProcessStrictlyIncreaseEvenWithinAMillisecond() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) ids.add(Uuid7.next());
        for (int i = 1; i < ids.size(); i++) {
            UUID a = ids.get(i - 1);
            UUID b = ids.get(i);
            // compare as unsigned 128-bit numbers, the order databases and other languages use
            int cmp = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
            assertTrue(cmp < 0, "ids must increase: " + a + " then " + b);
        }
        assertEquals(ids.size(), new HashSet<>(ids).size());
    }
}
