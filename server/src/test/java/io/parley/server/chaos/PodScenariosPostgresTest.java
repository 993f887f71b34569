package io.parley.server.chaos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.parley.server.chaos.PodTrio.CONVERGE;
import static io.parley.server.chaos.PodTrio.FLOW;
import static io.parley.server.chaos.PodTrio.RATE;
import static io.parley.server.chaos.PodTrio.assertBothWaysFlowing;
import static io.parley.server.chaos.PodTrio.assertDetectedInBound;
import static io.parley.server.chaos.PodTrio.await;
import static io.parley.server.chaos.PodTrio.awaitDead;
import static io.parley.server.chaos.PodTrio.awaitMoreAcks;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The org SQL on PostgreSQL: {@link PodScenariosTest}'s trio with pod-b on a fresh PostgreSQL schema (the others on
 * SQLite). A partition of pod-a and pod-b with writes on both sides, then kill -9 of the PostgreSQL pod and its
 * restart: every acked message on every pod, equal digests and each origin's order in every pod's history after each. Needs PostgreSQL; under CI=true it fails
 * rather than skips when PostgreSQL is unreachable.
 */
@Timeout(120)
class PodScenariosPostgresTest {
    private Chaos.PgSchema schema;
    private PodTrio trio;

    @AfterEach
    void tearDown() throws Exception {
        if (trio != null) trio.close();
        if (schema != null) schema.close();
    }

    @Test
    void partitionAndKillNineWithOnePodOnPostgres() throws Exception {
        schema = new Chaos.PgSchema();
        trio = new PodTrio(Map.of("pod-b", List.of("--store", "postgres", "--jdbc-url", schema.url())));
        PodTrio.Pod a = trio.pod("pod-a"), b = trio.pod("pod-b"), c = trio.pod("pod-c");

        Map<String, Load> loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 20, FLOW);
        long cut = System.nanoTime();
        trio.proxy("pod-a>pod-b").sever();
        trio.proxy("pod-b>pod-a").sever();
        assertDetectedInBound("partition pod-a | pod-b (PostgreSQL)", Math.max(awaitDead(cut, "pod-b", a), awaitDead(cut, "pod-a", b)));
        assertBothWaysFlowing(a, loads.get("pod-a"), b, loads.get("pod-b"), 20, FLOW);
        trio.proxy("pod-a>pod-b").restore();
        trio.proxy("pod-b>pod-a").restore();
        await(FLOW, "pod-a and pod-b alive again", () -> "alive".equals(a.state("pod-b")) && "alive".equals(b.state("pod-a")));
        trio.stopLoads();
        System.out.printf("partition with pod-b on PostgreSQL: converged in %d ms%n",
                trio.awaitConverged(CONVERGE, trio.all()).toMillis());
        trio.assertOriginOrder(trio.all());

        loads = trio.startLoads(RATE);
        for (Load l : loads.values()) awaitMoreAcks(l, 20, FLOW);
        long kill = System.nanoTime();
        b.kill();
        assertDetectedInBound("kill -9 of pod-b (PostgreSQL)", awaitDead(kill, "pod-b", a, c));
        assertBothWaysFlowing(a, loads.get("pod-a"), c, loads.get("pod-c"), 20, FLOW);
        b.restart(Map.of());
        await(FLOW, "pod-b alive again", () -> "alive".equals(a.state("pod-b")) && "alive".equals(c.state("pod-b")));
        awaitMoreAcks(trio.startLoad(b, RATE), 20, FLOW);
        trio.stopLoads();
        System.out.printf("kill -9 and restart of pod-b on PostgreSQL: %d acked messages everywhere, converged in %d ms%n",
                trio.acked().size(), trio.awaitConverged(CONVERGE, trio.all()).toMillis());
        trio.assertOriginOrder(trio.all());
        assertEquals(Map.of(), trio.loadErrors());
    }
}
