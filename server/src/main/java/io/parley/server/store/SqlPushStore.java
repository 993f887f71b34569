package io.parley.server.store;

import io.parley.core.id.Uuid7;
import io.parley.server.push.PushStore;
import io.parley.server.push.PushSubscription;
import io.parley.server.push.QueuedPush;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link PushStore} over JDBC: the {@code push_subscriptions}, {@code push_queue} and {@code server_keys} tables. */
final class SqlPushStore implements PushStore {
    private final Db db;

    SqlPushStore(Db db) {
        this.db = db;
    }

    @Override
    public void saveSubscription(PushSubscription s) {
        db.write(c -> {
            Optional<PushSubscription> old = PushSubscriptionsTable.byEndpoint(c, s.endpoint());
            if (old.isPresent() && old.get().id().equals(s.id())) {
                PushSubscriptionsTable.updateKeys(c, s);
                return null;
            }
            if (old.isPresent()) {
                PushQueueTable.deleteOfSubscription(c, old.get().id());
                PushSubscriptionsTable.delete(c, old.get().id());
            }
            PushSubscriptionsTable.insert(c, s);
            return null;
        });
    }

    @Override
    public List<PushSubscription> subscriptionsOf(UUID userId) {
        return db.read(c -> PushSubscriptionsTable.ofUser(c, userId));
    }

    @Override
    public Optional<PushSubscription> subscription(UUID id) {
        return db.read(c -> PushSubscriptionsTable.byId(c, id));
    }

    @Override
    public Optional<PushSubscription> subscriptionByEndpoint(String endpoint) {
        return db.read(c -> PushSubscriptionsTable.byEndpoint(c, endpoint));
    }

    @Override
    public boolean deleteSubscription(UUID id) {
        return db.write(c -> {
            PushQueueTable.deleteOfSubscription(c, id);
            return PushSubscriptionsTable.delete(c, id);
        });
    }

    @Override
    public int enqueue(UUID userId, String payload, boolean urgent, Instant now) {
        return db.write(c -> {
            List<UUID> subs = PushSubscriptionsTable.ofUser(c, userId).stream().map(PushSubscription::id).toList();
            if (subs.isEmpty()) return 0;
            List<UUID> ids = new ArrayList<>(subs.size());
            for (int i = 0; i < subs.size(); i++) ids.add(Uuid7.next());
            PushQueueTable.insert(c, ids, subs, payload, urgent, now);
            return subs.size();
        });
    }

    @Override
    public List<QueuedPush> claimDue(Instant now, Instant leaseUntil, int limit) {
        return db.write(c -> PushQueueTable.claimDue(c, now, leaseUntil, limit));
    }

    @Override
    public void reschedule(UUID pushId, int attempts, Instant nextAttemptAt) {
        db.write(c -> {
            PushQueueTable.reschedule(c, pushId, attempts, nextAttemptAt);
            return null;
        });
    }

    @Override
    public void deletePush(UUID pushId) {
        db.write(c -> {
            PushQueueTable.delete(c, pushId);
            return null;
        });
    }

    @Override
    public Optional<Instant> nextDue() {
        return db.read(PushQueueTable::nextDue);
    }

    @Override
    public long queued() {
        return db.read(PushQueueTable::count);
    }

    @Override
    public Optional<ServerKey> serverKey(String name) {
        return db.read(c -> ServerKeysTable.byName(c, name));
    }

    @Override
    public ServerKey saveServerKeyIfAbsent(ServerKey key) {
        return db.write(c -> {
            ServerKeysTable.insertIfAbsent(c, key);
            return ServerKeysTable.byName(c, key.name()).orElseThrow();
        });
    }
}
