package io.parley.server.store;

import io.parley.server.federation.resilient.ResilientStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link ResilientStore} over JDBC: each method one transaction over the resilient tables, whose statements live in one
 * class per table ({@link ResilientChannelsTable}, {@link ResilientOffersTable}, {@link ResilientKeysTable},
 * {@link ResilientExchangesTable}, {@link ResilientCursorsTable}, {@link ReplicaLogTable}, and {@link OrgCursorsTable}
 * for the org outbox's cursor), and the feed's read of the chat log ({@link ResilientFeedReads}).
 */
final class SqlResilientStore implements ResilientStore {
    private final Db db;

    SqlResilientStore(Db db) {
        this.db = db;
    }

    // ---- configuration ----

    @Override
    public Optional<Config> config(String orgChannelId) {
        return db.read(c -> ResilientChannelsTable.byId(c, orgChannelId));
    }

    @Override
    public List<Config> configs() {
        return db.read(ResilientChannelsTable::all);
    }

    @Override
    public void saveConfig(Config k) {
        db.write(c -> {
            ResilientChannelsTable.upsert(c, k);
            return null;
        });
    }

    @Override
    public long forget(String id) {
        return db.write(c -> {
            long bytes = ReplicaLogTable.bytes(c, id);
            ResilientChannelsTable.delete(c, id);
            ResilientOffersTable.delete(c, id);
            ResilientKeysTable.delete(c, id);
            ResilientExchangesTable.delete(c, id);
            ResilientCursorsTable.delete(c, id);
            ReplicaLogTable.delete(c, id);
            return bytes;
        });
    }

    // ---- handshake and keys ----

    @Override
    public void recordOffer(Offer o) {
        db.write(c -> {
            ResilientOffersTable.upsert(c, o);
            return null;
        });
    }

    @Override
    public List<Offer> offers(String id) {
        return db.read(c -> ResilientOffersTable.ofChannel(c, id));
    }

    @Override
    public Optional<String> wrappedKey(String id) {
        return db.read(c -> ResilientKeysTable.get(c, id));
    }

    @Override
    public void saveKey(String id, String wrapped) {
        db.write(c -> {
            ResilientKeysTable.upsert(c, id, wrapped);
            return null;
        });
    }

    @Override
    public void savePendingExchange(String id, String sealed, Instant at) {
        db.write(c -> {
            ResilientExchangesTable.upsert(c, id, sealed, at);
            return null;
        });
    }

    @Override
    public Optional<String> takePendingExchange(String id) {
        return db.write(c -> ResilientExchangesTable.take(c, id));
    }

    @Override
    public boolean hasPendingExchange(String id) {
        return db.read(c -> ResilientExchangesTable.exists(c, id));
    }

    // ---- the feed's cursors ----

    @Override
    public long cursor(String id, String pod) {
        return db.read(c -> ResilientCursorsTable.get(c, id, pod));
    }

    @Override
    public Map<String, Long> cursors(String id) {
        return db.read(c -> ResilientCursorsTable.ofChannel(c, id));
    }

    @Override
    public void advance(String id, String pod, long seq) {
        db.write(c -> {
            ResilientCursorsTable.advance(c, id, pod, seq);
            return null;
        });
    }

    @Override
    public void resetCursor(String id, String pod) {
        db.write(c -> {
            ResilientCursorsTable.reset(c, id, pod);
            return null;
        });
    }

    @Override
    public void resetOrgCursor(String peer, String orgChannelId) {
        db.write(c -> {
            OrgCursorsTable.delete(c, peer, orgChannelId);
            return null;
        });
    }

    // ---- the sealed log ----

    @Override
    public long store(String id, List<SealedOp> ops) {
        return db.write(c -> ReplicaLogTable.insert(c, id, ops));
    }

    @Override
    public Set<String> heldKeys(String id, Collection<String> opKeys) {
        if (opKeys.isEmpty()) return Set.of();
        return db.read(c -> ReplicaLogTable.heldKeys(c, id, opKeys));
    }

    @Override
    public List<SealedOp> storedAfter(String id, Position after, int limit) {
        return db.read(c -> ReplicaLogTable.after(c, id, after, limit));
    }

    @Override
    public int storedOps(String id) {
        return db.read(c -> ReplicaLogTable.count(c, id));
    }

    @Override
    public List<SealedOp> withoutOpKey(String id, int limit) {
        return db.read(c -> ReplicaLogTable.withoutOpKey(c, id, limit));
    }

    @Override
    public void setOpKeys(String id, List<SealedOp> ops) {
        db.write(c -> {
            ReplicaLogTable.setOpKeys(c, id, ops);
            return null;
        });
    }

    @Override
    public long storedBytes(String id) {
        return db.read(c -> ReplicaLogTable.bytes(c, id));
    }

    // ---- the feed ----

    @Override
    public List<FeedEntry> feed(UUID chatId, long afterSeq, int limit) {
        return db.read(c -> ResilientFeedReads.after(c, chatId, afterSeq, limit));
    }
}
