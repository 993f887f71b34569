package io.parley.server.federation.resilient;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What resilient channels keep (V70, V85): each channel's configuration, handshake outcomes, the wrapped channel key,
 * the replica feed's cursors and a replica's sealed copy of the log. Implemented by
 * {@code io.parley.server.store.SqlResilientStore}.
 */
public interface ResilientStore {
    /**
     * A resilient channel's configuration.
     *
     * @param version grows with every change; with {@code changedBy} it orders two changes (last writer wins)
     * @param term the lease term of the acting primary that made the change, 0 if the primary made it
     * @param acks when the primary acks a post (issue 16 §3)
     */
    record Config(String orgChannelId, String orgId, String primary, List<String> replicas, String replicationClass,
                  boolean postingWhilePrimaryDown, String topic, long version, String changedBy, long term, Acks acks, Instant updatedAt) {
        public Config {
            replicas = List.copyOf(replicas);
            if (acks == null) acks = Acks.ON_COMMIT;
        }

        /** {@return whether the pod is the primary or a designated replica} */
        public boolean involves(String pod) { return primary.equals(pod) || replicas.contains(pod); }
    }

    /**
     * When the primary acks a post: once {@code afterReplicas} replica pods hold it sealed (0: on its own commit), waiting
     * at most {@code timeoutMs}; then {@code onTimeout} says whether the post is refused ({@link #REFUSE}) or acked by
     * the primary alone, the channel marked degraded until the replicas catch up ({@link #PRIMARY_ONLY}).
     */
    record Acks(int afterReplicas, long timeoutMs, String onTimeout) {
        public static final String REFUSE = "refuse";
        public static final String PRIMARY_ONLY = "primary_only";
        public static final long DEFAULT_TIMEOUT_MS = 3_000;
        /** The bounds of {@code timeoutMs}: a REST post gives up after 10 s, so the refusal must come before that. */
        public static final long MIN_TIMEOUT_MS = 100, MAX_TIMEOUT_MS = 8_000;
        /** Acked on the primary's commit (the default). */
        public static final Acks ON_COMMIT = new Acks(0, DEFAULT_TIMEOUT_MS, REFUSE);

        /** {@return whether a timeout falls back to the primary alone} */
        public boolean primaryOnly() { return PRIMARY_ONLY.equals(onTimeout); }
    }

    /** A handshake's outcome with one pod, as an offer's status holds it (issue 17 §2: a closed set; the store keeps the strings). */
    enum OfferStatus {
        ACCEPTED("accepted"),
        REFUSED("refused"),
        FAILED("failed");

        private final String wire;

        OfferStatus(String wire) { this.wire = wire; }

        /** {@return the status as the wire (or the store) spells it} */
        public String wire() { return wire; }

        /** {@return whether {@code status} is this one} */
        public boolean is(String status) { return wire.equals(status); }
    }

    /** A handshake outcome with one pod. */
    record Offer(String orgChannelId, String pod, String status, String reason, Instant at) {}

    /**
     * A stored replicated op, still sealed.
     *
     * @param source the pod whose log {@code seq} is of: the primary, or an acting primary that fed it during an outage
     * @param opKey the op's identity under the channel key ({@code ResilientCrypto.opKey}), the same from every source,
     *              so an op fed twice is kept once; null only for rows stored before V85 until they are backfilled
     */
    record SealedOp(String source, long seq, long hlc, long bytes, String sealed, String opKey) {}

    /** A place in a replica's sealed log, which is read in (hlc, source, seq) order: each origin's ops in its order. */
    record Position(long hlc, String source, long seq) {
        /** Before every op. */
        public static final Position START = new Position(-1, "", -1);

        public static Position of(SealedOp op) { return new Position(op.hlc(), op.source(), op.seq()); }
    }

    /** An entry of the primary's chat log with the author's home identity, for the replica feed. */
    record FeedEntry(long seq, String type, UUID messageId, UUID actorId, String actorHandle, String actorName, String actorRemotePod,
                     UUID actorRemoteId, String emoji, long hlc, Instant at, String content, UUID threadRootId, String threadRootPod,
                     String originPod, boolean deleted) {}

    Optional<Config> config(String orgChannelId);

    List<Config> configs();

    void saveConfig(Config config);

    /** Forgets the channel: configuration, offers, key, cursors and stored ops. {@return the bytes released} */
    long forget(String orgChannelId);

    void recordOffer(Offer offer);

    List<Offer> offers(String orgChannelId);

    Optional<String> wrappedKey(String orgChannelId);

    void saveKey(String orgChannelId, String wrapped);

    /** Keeps the replica's sealed half of a pending key exchange (replacing an earlier one). */
    void savePendingExchange(String orgChannelId, String sealed, Instant at);

    /** {@return the sealed half of the pending key exchange, removed: it is used once} */
    Optional<String> takePendingExchange(String orgChannelId);

    boolean hasPendingExchange(String orgChannelId);

    long cursor(String orgChannelId, String pod);

    /** {@return the feed's cursor of every replica this pod feeds the channel to, by pod} */
    Map<String, Long> cursors(String orgChannelId);

    void advance(String orgChannelId, String pod, long seq);

    /** Starts a replica's feed over (it accepted the channel anew, holding nothing). */
    void resetCursor(String orgChannelId, String pod);

    /** Stores ops (an op already held, by (source, seq) or by op key, is kept as it is); {@return the bytes newly stored} */
    long store(String orgChannelId, List<SealedOp> ops);

    /** {@return which of the op keys the channel's sealed log holds already} */
    java.util.Set<String> heldKeys(String orgChannelId, Collection<String> opKeys);

    /** {@return the sealed log after a position, in (hlc, source, seq) order, at most {@code limit}} */
    List<SealedOp> storedAfter(String orgChannelId, Position after, int limit);

    /** {@return how many ops the channel's sealed log holds} */
    int storedOps(String orgChannelId);

    /** {@return ops stored before V85, whose op key is not computed yet, at most {@code limit}} */
    List<SealedOp> withoutOpKey(String orgChannelId, int limit);

    /** Sets the op keys of ops stored before V85; an op whose key another row has already is a duplicate, and dropped. */
    void setOpKeys(String orgChannelId, List<SealedOp> ops);

    /** {@return the bytes stored for the channel} */
    long storedBytes(String orgChannelId);

    /** Resets the org outbox cursor of a peer for a channel, so the outbox sends it this pod's ops again from the start. */
    void resetOrgCursor(String peer, String orgChannelId);

    /** {@return the chat's log after {@code afterSeq}, every op (remote users' too), at most {@code limit}} */
    List<FeedEntry> feed(UUID chatId, long afterSeq, int limit);
}
