package io.parley.server.push;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable state of Web Push: subscriptions (endpoint unique), the delivery queue, and the server's VAPID key
 * pair. Implemented over the database, so a scaled-out pod shares all three.
 */
public interface PushStore {

    /** A named key pair of the server: private scalar and public point, both base64url. */
    record ServerKey(String name, String privateKey, String publicKey, Instant createdAt) {
        @Override
        public String toString() { // keeps the private key out of logs
            return "ServerKey[name=" + name + ", publicKey=" + publicKey + ", createdAt=" + createdAt + "]";
        }
    }

    /**
     * Stores a subscription. If one with the same endpoint exists under the same id, its keys and expiry are
     * updated; under another id (the browser re-subscribed, perhaps for another user) it is replaced, and its
     * queued pushes go with it.
     */
    void saveSubscription(PushSubscription s);

    /** {@return a user's subscriptions, oldest first} */
    List<PushSubscription> subscriptionsOf(UUID userId);

    Optional<PushSubscription> subscription(UUID id);

    Optional<PushSubscription> subscriptionByEndpoint(String endpoint);

    /** Deletes a subscription and its queued pushes. {@return whether it existed} */
    boolean deleteSubscription(UUID id);

    /**
     * Queues one push per subscription of the user, in one transaction, due at once.
     * {@return how many rows were queued (0 when the user has no subscription)}
     */
    int enqueue(UUID userId, String payload, boolean urgent, Instant now);

    /**
     * Claims up to {@code limit} rows due at {@code now}, earliest first, by moving their next attempt to
     * {@code leaseUntil}: another node (or this one after a crash) takes a row only once the lease has run out.
     * {@return the rows this caller won}
     */
    List<QueuedPush> claimDue(Instant now, Instant leaseUntil, int limit);

    /** Sets a row's failed-attempt count and next attempt (a retry, or a claim released). */
    void reschedule(UUID pushId, int attempts, Instant nextAttemptAt);

    /** Removes a row (delivered, expired or given up). */
    void deletePush(UUID pushId);

    /** {@return when the earliest queued row is due, or empty when the queue is empty} */
    Optional<Instant> nextDue();

    /** {@return the number of queued rows} */
    long queued();

    Optional<ServerKey> serverKey(String name);

    /** Inserts the key unless one with its name exists. {@return the stored key: this one, or the earlier one} */
    ServerKey saveServerKeyIfAbsent(ServerKey key);
}
