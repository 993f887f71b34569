package io.parley.server.bench;

import io.parley.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the bench in-process against a real node with a tiny load and checks its own bookkeeping. */
class BenchSmokeTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void tinyLoadIsDeliveredExactlyOnceInOrder() throws Exception {
        try (TestServer server = TestServer.start()) {
            // 10 users in 5 DMs, 100 msgs/s for 2 s (+ 0.5 s warm-up): ~250 messages, ~500 deliveries
            BenchConfig cfg = BenchConfig.small(server.baseUrl(), BenchConfig.Scenario.DMS, 100, Duration.ofMillis(500),
                    Duration.ofSeconds(2));
            BenchResult r = new Bench(cfg, new PrintStream(new ByteArrayOutputStream())).run();
            assertTrue(r.sent() >= 200, () -> "sent " + r.sent() + "\n" + r.table());
            assertEquals(r.sent(), r.acked(), r::table);
            assertEquals(0, r.lost(), r::table);
            assertEquals(0, r.duplicated(), r::table);
            assertEquals(0, r.outOfOrder(), r::table);
            assertEquals(0, r.disconnected(), r::table);
            assertEquals(2 * r.acked(), r.delivered(), r::table);
            assertTrue(r.errors().isEmpty(), r::table);
            assertTrue(r.ok());

            // a second run on the same server signs in instead of bootstrapping, and fans out to a channel
            BenchResult c = new Bench(BenchConfig.small(server.baseUrl(), BenchConfig.Scenario.FANOUT, 100, Duration.ofMillis(200),
                    Duration.ofSeconds(1)), new PrintStream(new ByteArrayOutputStream())).run();
            assertEquals(c.sent(), c.acked(), c::table);
            assertEquals(5 * c.acked(), c.delivered(), c::table);
            assertEquals(0, c.lost() + c.duplicated() + c.outOfOrder(), c::table);
        }
    }
}
