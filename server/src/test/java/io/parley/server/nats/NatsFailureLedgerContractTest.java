package io.parley.server.nats;

import io.nats.client.KeyValue;
import io.parley.core.auth.FailureLedger;
import io.parley.core.auth.MemoryFailureLedger;
import io.parley.server.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure ledger contract on the pod's NATS ledger (two nodes, two links, a fresh prefix per test), plus what only
 * it has: no e-mail or address in NATS, and counting on the node while the broker is away.
 */
class NatsFailureLedgerContractTest extends FailureLedgerContract {
    private final List<NatsLink> links = new ArrayList<>();

    @Override
    protected List<FailureLedger> pod() {
        String url = TestNats.require();
        String prefix = TestNats.uniquePrefix();
        return List.of(node(url, prefix), node(url, prefix));
    }

    private NatsFailureLedger node(String url, String prefix) {
        NatsLink link = NatsLink.open(url, prefix, "n" + links.size());
        links.add(link);
        return new NatsFailureLedger(link, new MemoryFailureLedger(), Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        links.forEach(NatsLink::close);
    }

    @Test
    void noEmailOrAddressIsWrittenToNats() throws Exception {
        FailureLedger ledger = pod().getFirst();
        ledger.update("password|pair|ana@example.com|192.0.2.1", e -> new FailureLedger.Entry(1, 1));
        KeyValue kv = links.getFirst().bucket("proofs", Duration.ofHours(1));
        List<String> keys = kv.keys();
        assertEquals(1, keys.size());
        assertFalse(keys.getFirst().contains("ana") || keys.getFirst().contains("192"), keys.getFirst());
    }

    @Test
    void withoutTheBrokerEachNodeCountsItsOwnAndNeverWaits() throws Exception {
        try (PrivateNats broker = PrivateNats.start()) {
            FailureLedger ledger = node(broker.url(), TestNats.uniquePrefix());
            ledger.update("k", e -> new FailureLedger.Entry(e.failures() + 1, 1));
            broker.kill();
            Await.until(Duration.ofSeconds(10), "the link to notice", () -> !links.getFirst().connected());
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) ledger.update("k", e -> new FailureLedger.Entry(e.failures() + 1, 2));
            assertEquals(new FailureLedger.Entry(3, 2), ledger.read("k"), "the node's own count meanwhile");
            assertTrue(System.nanoTime() - start < Duration.ofMillis(200).toNanos(), "no waiting for the broker");
        }
    }
}
