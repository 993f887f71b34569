package io.parley.server.nats;

import io.parley.core.realtime.RateAction;
import io.parley.server.Await;
import io.parley.core.realtime.RateLimiter;
import io.parley.core.realtime.RateLimits;
import io.parley.core.realtime.TokenBuckets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared token buckets: two nodes (two links) take from one bucket per user; without NATS each node counts alone. */
@Timeout(30)
class NatsRateLimiterTest {
    private final List<NatsLink> links = new ArrayList<>();
    private final RateLimits limits = RateLimits.defaults().with(RateAction.MESSAGE, new RateLimits.Limit(5, Duration.ofSeconds(1)));

    @AfterEach
    void close() {
        links.forEach(NatsLink::close);
    }

    private NatsRateLimiter node(String url, String prefix) {
        NatsLink link = NatsLink.open(url, prefix, "n" + links.size());
        links.add(link);
        return new NatsRateLimiter(link, limits, new TokenBuckets(limits, Clock.systemUTC()), Clock.systemUTC());
    }

    @Test
    void twoNodesShareOneBucketPerUser() {
        String url = TestNats.require();
        String prefix = TestNats.uniquePrefix();
        NatsRateLimiter a = node(url, prefix);
        NatsRateLimiter b = node(url, prefix);
        UUID user = UUID.randomUUID();
        for (int i = 0; i < 3; i++) assertTrue(a.acquire(user, RateAction.MESSAGE, null).allowed(), "a " + i);
        for (int i = 0; i < 2; i++) assertTrue(b.acquire(user, RateAction.MESSAGE, null).allowed(), "b " + i);
        RateLimiter.Decision sixth = a.acquire(user, RateAction.MESSAGE, null);
        assertFalse(sixth.allowed(), "the sixth in the same second, on either node, is refused");
        assertTrue(sixth.retryAfterSeconds() >= 1);
        assertFalse(b.acquire(user, RateAction.MESSAGE, null).allowed());
        assertTrue(a.acquire(UUID.randomUUID(), RateAction.MESSAGE, null).allowed(), "another user has a bucket of their own");
    }

    @Test
    void concurrentTakersOnTwoNodesNeverExceedTheBucket() throws Exception {
        String url = TestNats.require();
        String prefix = TestNats.uniquePrefix();
        List<NatsRateLimiter> nodes = List.of(node(url, prefix), node(url, prefix));
        UUID user = UUID.randomUUID();
        AtomicInteger allowed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            NatsRateLimiter l = nodes.get(t % 2);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 5; i++) if (l.acquire(user, RateAction.MESSAGE, null).allowed()) allowed.incrementAndGet();
            }));
        }
        for (Thread t : threads) t.join();
        // 40 attempts within well under a second: the burst of 5, plus at most what refilled meanwhile.
        assertTrue(allowed.get() >= 5 && allowed.get() <= 7, "allowed " + allowed.get());
    }

    @Test
    void withoutTheBrokerEachNodeCountsItsOwnAndNeverWaits() throws Exception {
        try (PrivateNats broker = PrivateNats.start()) {
            NatsRateLimiter a = node(broker.url(), TestNats.uniquePrefix());
            UUID user = UUID.randomUUID();
            assertTrue(a.acquire(user, RateAction.MESSAGE, null).allowed());
            broker.kill();
            Await.until(Duration.ofSeconds(10), "the node to notice the broker is gone", () -> !links.getFirst().connected());
            long start = System.nanoTime();
            int ok = 0;
            for (int i = 0; i < 10; i++) if (a.acquire(user, RateAction.MESSAGE, null).allowed()) ok++;
            assertEquals(5, ok, "the local bucket (full: the shared one took the first) limits meanwhile");
            assertTrue(System.nanoTime() - start < Duration.ofMillis(200).toNanos(), "no waiting for the broker");
        }
    }
}
