package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.server.push.PushStore;
import io.parley.server.push.PushStore.ServerKey;
import io.parley.server.push.PushSubscription;
import io.parley.server.push.QueuedPush;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The push store's contract ({@link PushStore}), run on each database by a subclass. Tests share one database
 * per class and keep apart by fresh users and endpoints; the queue-wide queries are checked with instants far
 * in the past or future so other tests' rows do not interfere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PushStoreContract {
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    Stores stores;
    PushStore push;

    abstract StoreConfig config();

    void prepare() {}

    void cleanUp() throws Exception {}

    @BeforeAll
    void openStores() {
        prepare();
        stores = Stores.open(config(), "pod-a");
        push = stores.push();
    }

    @AfterAll
    void closeStores() throws Exception {
        if (stores != null) stores.close();
        cleanUp();
    }

    UUID user() {
        String handle = "u-" + UUID.randomUUID().toString().substring(0, 8);
        User u = new User(UUID.randomUUID(), handle + "@example.com", handle, handle, "hash", T0, false);
        stores.users().insert(u);
        return u.id();
    }

    static PushSubscription sub(UUID userId, String endpoint, Instant at) {
        return new PushSubscription(UUID.randomUUID(), userId, endpoint, "p256dh-" + UUID.randomUUID(), "auth", null, at);
    }

    static String endpoint() {
        return "https://push.example.com/" + UUID.randomUUID();
    }

    @Test
    void subscriptionsAreStoredPerUserWithUniqueEndpoints() {
        UUID alice = user();
        UUID bob = user();
        PushSubscription a1 = sub(alice, endpoint(), T0);
        PushSubscription a2 = new PushSubscription(UUID.randomUUID(), alice, endpoint(), "k", "a", T0.plusSeconds(3600), T0.plusSeconds(1));
        push.saveSubscription(a1);
        push.saveSubscription(a2);
        // Same id, same endpoint: new keys.
        PushSubscription a1b = new PushSubscription(a1.id(), alice, a1.endpoint(), "new-key", "new-auth", null, T0);
        push.saveSubscription(a1b);
        assertAll(
                () -> assertEquals(List.of(a1b, a2), push.subscriptionsOf(alice)),
                () -> assertEquals(Optional.of(a2), push.subscription(a2.id())),
                () -> assertEquals(Optional.of(a1b), push.subscriptionByEndpoint(a1.endpoint())),
                () -> assertEquals(List.of(), push.subscriptionsOf(bob)));

        // Another id for the same endpoint (the browser now signed in as bob) replaces it, queued rows too.
        push.enqueue(alice, "{}", false, T0);
        PushSubscription b = sub(bob, a1.endpoint(), T0.plusSeconds(2));
        push.saveSubscription(b);
        assertAll(
                () -> assertEquals(List.of(a2), push.subscriptionsOf(alice)),
                () -> assertEquals(List.of(b), push.subscriptionsOf(bob)),
                () -> assertTrue(push.subscription(a1.id()).isEmpty()));

        assertTrue(push.deleteSubscription(a2.id()));
        assertFalse(push.deleteSubscription(a2.id()));
        assertEquals(List.of(), push.subscriptionsOf(alice));
    }

    @Test
    void enqueuedRowsAreClaimedOnceUntilTheLeaseRunsOut() {
        UUID u = user();
        PushSubscription s1 = sub(u, endpoint(), T0);
        PushSubscription s2 = sub(u, endpoint(), T0);
        push.saveSubscription(s1);
        push.saveSubscription(s2);
        Instant at = Instant.parse("1990-01-01T00:00:00Z"); // before every other test's rows
        assertEquals(2, push.enqueue(u, "{\"title\":\"t\"}", true, at));
        assertEquals(0, push.enqueue(user(), "{}", false, at), "a user without subscriptions queues nothing");

        Instant lease = at.plusSeconds(60);
        List<QueuedPush> claimed = push.claimDue(at, lease, 10);
        assertAll(
                () -> assertEquals(2, claimed.size()),
                () -> assertEquals(java.util.Set.of(s1, s2), java.util.Set.of(claimed.get(0).subscription(), claimed.get(1).subscription())),
                () -> assertEquals("{\"title\":\"t\"}", claimed.get(0).payload()),
                () -> assertTrue(claimed.get(0).urgent()),
                () -> assertEquals(0, claimed.get(0).attempts()),
                () -> assertEquals(at, claimed.get(0).createdAt()),
                () -> assertEquals(List.of(), push.claimDue(at.plusSeconds(30), lease, 10), "leased"));

        QueuedPush first = claimed.get(0);
        push.reschedule(first.id(), 3, at.plusSeconds(5));
        push.deletePush(claimed.get(1).id());
        List<QueuedPush> again = push.claimDue(at.plusSeconds(5), at.plusSeconds(65), 10);
        assertAll(
                () -> assertEquals(1, again.size()),
                () -> assertEquals(first.id(), again.get(0).id()),
                () -> assertEquals(3, again.get(0).attempts()));

        assertTrue(push.nextDue().isPresent());
        assertTrue(push.deleteSubscription(s1.id()));
        assertTrue(push.deleteSubscription(s2.id()));
        assertEquals(List.of(), push.claimDue(Instant.parse("2999-01-01T00:00:00Z"), Instant.parse("2999-01-01T00:01:00Z"), 1000)
                .stream().filter(q -> q.subscription().userId().equals(u)).toList(), "rows go with their subscription");
    }

    @Test
    void theFirstServerKeyStays() {
        String name = "test-" + UUID.randomUUID();
        assertTrue(push.serverKey(name).isEmpty());
        ServerKey first = new ServerKey(name, "private-1", "public-1", T0);
        assertEquals(first, push.saveServerKeyIfAbsent(first));
        assertEquals(first, push.saveServerKeyIfAbsent(new ServerKey(name, "private-2", "public-2", T0.plus(Duration.ofDays(1)))));
        assertEquals(Optional.of(first), push.serverKey(name));
        assertFalse(first.toString().contains("private-1"), "the private key stays out of logs");
    }
}
