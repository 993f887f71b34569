package io.parley.server.federation.resilient;

import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.org.OrgWire;
import java.util.List;
import java.util.Map;

/** The pod-to-pod calls of resilient channels (all signed, under {@code /pod/v1/replica/}). */
public final class ResilientWire {
    public static final String OFFER = PodRoutes.PREFIX + "replica/offer";
    public static final String KEY = PodRoutes.PREFIX + "replica/key";
    public static final String OPS = PodRoutes.PREFIX + "replica/ops";
    public static final String CONFIG = PodRoutes.PREFIX + "replica/config";
    public static final String LEASE = PodRoutes.PREFIX + "replica/lease";
    public static final String PULL = PodRoutes.PREFIX + "replica/pull";
    public static final String REVOKE = PodRoutes.PREFIX + "replica/revoke";
    public static final String DIGESTS = PodRoutes.PREFIX + "replica/digests";
    public static final String RESEND = PodRoutes.PREFIX + "replica/resend";

    private ResilientWire() {}

    /**
     * A channel's configuration as it travels; {@code term} is the sender's lease term (0 from the primary). The ack
     * fields are absent (0, 0, null) from a pod that predates them: acks on commit.
     */
    public record Config(String orgChannelId, String orgId, String primary, List<String> replicas, String replicationClass,
                  boolean postingWhilePrimaryDown, String topic, long version, String changedBy, long term, int ackAfterReplicas,
                  long ackTimeoutMs, String onReplicaTimeout) {
        Config(String orgChannelId, String orgId, String primary, List<String> replicas, String replicationClass,
               boolean postingWhilePrimaryDown, String topic, long version, String changedBy, long term) {
            this(orgChannelId, orgId, primary, replicas, replicationClass, postingWhilePrimaryDown, topic, version, changedBy, term, 0, 0, null);
        }

        ResilientStore.Acks acks() {
            return new ResilientStore.Acks(Math.max(0, ackAfterReplicas),
                    ackTimeoutMs <= 0 ? ResilientStore.Acks.DEFAULT_TIMEOUT_MS : ackTimeoutMs,
                    onReplicaTimeout == null ? ResilientStore.Acks.REFUSE : onReplicaTimeout);
        }
    }

    /** The replication handshake's first step: what the replica is asked to hold. */
    public record Offer(Config config, long expectedBytes) {}

    /** The replica's answer: accepted with its ephemeral X25519 public key, or refused with a reason. */
    record OfferReply(boolean accepted, String reason, String x25519) {}

    /** The channel key, wrapped with HKDF(X25519(primary's ephemeral, replica's ephemeral)). */
    public record KeyCall(String orgChannelId, String x25519, String salt, String wrapped) {}

    /** A plain answer. */
    public record Ack(String status) {}

    /**
     * One op of a feeding pod's log as the replica keeps it: its seq there (the primary's log, or an acting primary's),
     * the pod it came from and the op.
     */
    record Op(long seq, String origin, OrgWire.Event event) {
        /**
         * {@return what makes the op this op, whichever pod's log it was read from: the same text on the primary and on
         * an acting primary} Content is left out: a log entry is sent with its message's current text.
         */
        String identity() {
            OrgWire.Event e = event;
            return e.op() + "\n" + e.messagePod() + "\n" + e.messageId() + "\n" + e.hlc() + "\n" + origin + "\n"
                    + (e.author() == null ? "" : e.author().id()) + "\n" + (e.emoji() == null ? "" : e.emoji());
        }
    }

    /**
     * Ops sealed with the channel key (base64url of nonce ‖ AES-GCM), associated data "channel\nseq" for the primary's
     * log and "channel\nsource\nseq" for an acting primary's ({@code ResilientChannels.aad}).
     */
    record Sealed(long seq, long hlc, String sealed) {}

    /** Ops of the sender's own log (the primary's, or an acting primary's during an outage). */
    public record Ops(String orgChannelId, List<Sealed> ops) {}

    /** What a replica answers a feed's batch with (issue 17 §2: a closed set; the wire keeps the strings). */
    public enum OpsStatus {
        APPLIED("applied"),
        THROTTLED("throttled");

        private final String wire;

        OpsStatus(String wire) { this.wire = wire; }

        /** {@return the status as the wire (or the store) spells it} */
        public String wire() { return wire; }

        /** {@return whether {@code status} is this one} */
        public boolean is(String status) { return wire.equals(status); }
    }

    /** {@code applied}, or {@code throttled} (keep them, retry after {@code retryAfterMs}; {@code limitedBy} says which quota). */
    record OpsReply(String status, long stored, long retryAfterMs, String limitedBy) {}

    public record LeaseMsg(String orgChannelId, String holder, long term, long expiresAt) {}

    /** Asks for a replica's log after a position ({@link ResilientStore.Position#START} or the last reply's {@code next}). */
    public record Pull(String orgChannelId, ResilientStore.Position after, int limit) {}

    record PullReply(List<Op> ops, boolean more, ResilientStore.Position next) {}

    public record Revoke(String orgChannelId) {}

    public record DigestsCall(String orgChannelId) {}

    /** A mapped channel's digest and per-message digests ("originPod/messageId" → hex); {@code digest} null if not mapped there. */
    record DigestsReply(String digest, Map<String, String> messages) {}

    /** Asks the receiver to send the caller its own ops of the channel again from the start (its cursor for the caller reset). */
    public record Resend(String orgChannelId) {}
}
