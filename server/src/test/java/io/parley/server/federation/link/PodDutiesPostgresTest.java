package io.parley.server.federation.link;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.fixtures.ManualClock;
import io.parley.server.PgTestSchema;
import io.parley.server.store.StoreConfig;
import io.parley.server.store.StoreKind;
import io.parley.server.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pod's single-node duties over the real lease row on PostgreSQL, renewals driven by hand on a manual clock: one
 * node holds them; a holder that stops renewing (crashed) stops acting a renewal before its lease ends, and another
 * node takes them once it has; a clean stop hands them over at once; listeners hear each change; a single node
 * (SQLite) holds them without a row.
 */
@Timeout(60)
class PodDutiesPostgresTest {
    @Test
    void oneNodeHoldsTheDutiesAndAnotherTakesThemWhenItsLeaseEnds() {
        try (PgTestSchema schema = PgTestSchema.create();
             var stores = Stores.open(StoreConfig.of(StoreKind.POSTGRES, schema.url(), null, null), "pod-a")) {
            ManualClock clock = new ManualClock();
            PodDuties one = new PodDuties(stores.orgs(), true, clock, new SimpleMeterRegistry());
            PodDuties two = new PodDuties(stores.orgs(), true, clock, new SimpleMeterRegistry());
            List<Boolean> heardByTwo = new CopyOnWriteArrayList<>();
            two.onChange(heardByTwo::add);
            assertFalse(one.held(), "a node of a scaled-out pod holds nothing before its first renewal");

            one.tick();
            two.tick();
            assertTrue(one.held());
            assertFalse(two.held());
            clock.advance(PodDuties.RENEW.multipliedBy(2));
            one.tick();
            two.tick();
            assertTrue(one.held(), "renewed");
            assertFalse(two.held());

            // Node one stops renewing (it crashed, or cannot reach the store): it stops acting a renewal before its
            // lease ends, and node two cannot take the lease before it ends.
            clock.advance(PodDuties.TTL.minus(PodDuties.RENEW).plusMillis(1));
            assertFalse(one.held(), "a holder that could not renew stops before another may take over");
            two.tick();
            assertFalse(two.held());
            assertEquals(List.of(), heardByTwo);
            clock.advance(PodDuties.RENEW);
            two.tick();
            assertTrue(two.held(), "the lease ended: taken");
            assertEquals(List.of(true), heardByTwo);

            // A clean stop releases at once.
            two.close();
            one.tick();
            assertTrue(one.held(), "released: taken at the next renewal");
            one.close();
        }
    }

    @Test
    void aSingleNodeHoldsTheDutiesWithoutARow() {
        try (PgTestSchema schema = PgTestSchema.create();
             var stores = Stores.open(StoreConfig.of(StoreKind.POSTGRES, schema.url(), null, null), "pod-a")) {
            ManualClock clock = new ManualClock();
            PodDuties single = new PodDuties(stores.orgs(), false, clock, new SimpleMeterRegistry());
            single.start();
            single.tick();
            assertTrue(single.held());
            clock.advance(Duration.ofHours(1));
            assertTrue(single.held(), "no lease to lapse");
            PodDuties shared = new PodDuties(stores.orgs(), true, clock, new SimpleMeterRegistry());
            shared.tick();
            assertTrue(shared.held(), "the single node wrote no row");
            single.close();
            shared.close();
        }
    }
}
