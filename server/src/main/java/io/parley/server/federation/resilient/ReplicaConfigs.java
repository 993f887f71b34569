package io.parley.server.federation.resilient;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each resilient channel's configuration as this pod holds it, and the outcome of its handshake with each pod. One
 * of the ports {@link ResilientStore} is made of (issue 17 §3).
 */
public interface ReplicaConfigs {
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

    Optional<Config> config(String orgChannelId);

    List<Config> configs();

    void saveConfig(Config config);

    /** Forgets the channel: configuration, offers, key, cursors and stored ops. {@return the bytes released} */
    long forget(String orgChannelId);

    void recordOffer(Offer offer);

    List<Offer> offers(String orgChannelId);
}
