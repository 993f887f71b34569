package io.parley.server.federation.org;

import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PodRoutes;
import java.util.List;
import java.util.UUID;

/**
 * The bodies of the org pod-to-pod calls (all under {@code /pod/v1/org/}). Read leniently: a newer pod may add fields.
 */
public final class OrgWire {
    private OrgWire() {}

    public static final String SYNC = PodRoutes.PREFIX + "org/sync";
    public static final String MAPPED = PodRoutes.PREFIX + "org/mapped";
    public static final String EVENTS = PodRoutes.PREFIX + "org/events";
    public static final String RELAY = PodRoutes.PREFIX + "org/relay";
    public static final String RELAYED = PodRoutes.PREFIX + "org/relayed";
    /** The bytes of a file of an org channel's message, from its origin pod: {@code files/<file id>}, body {@link FileFetch}. */
    static final String FILE = PodRoutes.PREFIX + "files/{fileId}";

    static String filePath(UUID fileId) { return PodRoutes.PREFIX + "files/" + fileId; }

    /** An org's whole state as the sender knows it: members and channels. The receiver joins it with its own (union). */
    public record OrgState(String id, String name, String homePod, List<String> members, List<ChannelOffer> channels) {}

    record ChannelOffer(String id, String name, String offeredBy, boolean isPrivate) {}

    /** A pod mapped an org channel: its peers may send it the channel's log now. */
    public record Mapped(String orgChannelId) {}

    /** Who did something, as the origin pod knows them. */
    public record Author(UUID id, String handle, String name) {}

    /**
     * A file of a message: metadata only; the bytes stay on the origin pod, which serves them at {@link #FILE}.
     *
     * @param contentType as the origin sniffed it from the bytes
     * @param sha256 the bytes' SHA-256 (hex): the receiver checks what it fetches against it
     * @param thumbSha256 the thumbnail's SHA-256 when the origin has one (the thumbnail flag), else null
     */
    record FileMeta(UUID id, String name, String contentType, long size, String sha256, String thumbSha256, Integer width, Integer height) {}

    /** The body of {@link #FILE}: the file's bytes, or its thumbnail's. */
    record FileFetch(boolean thumbnail) {}

    /**
     * One op of an org channel's log, as its origin pod wrote it.
     *
     * @param seq the op's seq in the origin's local log (its op id: with the origin pod, it names the op everywhere)
     * @param op {@code post}, {@code edit}, {@code delete}, {@code react.add} or {@code react.remove}
     * @param messagePod the origin pod of the message the op touches (a delete may come from another pod's admin)
     */
    public record Event(long seq, String op, UUID messageId, String messagePod, long hlc, long at, Author author, String content,
                 UUID threadRoot, String threadRootPod, String emoji, List<FileMeta> files) {}

    /**
     * What an origin pod says to one recipient: ops of one org channel, in its log order. Signed inside an {@link Envelope}.
     *
     * @param prev the origin seq of the last op of the batch before this one to the same recipient (0 for the first):
     *     the recipient applies this batch only after that one, so its log holds the origin's ops in the origin's
     *     order. Null from a pod of before issue 16, whose batches are applied as they come.
     */
    public record Batch(String orgId, String orgChannelId, String origin, String to, List<Event> events, Long prev) {
        /** A batch that names no predecessor (as pods of before issue 16 sent them). */
        Batch(String orgId, String orgChannelId, String origin, String to, List<Event> events) {
            this(orgId, orgChannelId, origin, to, events, null);
        }
    }

    /**
     * A batch as its origin signed it: {@code body} is the batch's JSON (base64url), {@code signature} the origin's Ed25519
     * signature over {@code "parley-org-envelope\n" origin "\n" recipient "\n" hex(sha256(body bytes))}. A relay carries it
     * unchanged; it cannot alter or redirect it.
     */
    public record Envelope(String origin, String body, String signature) {}

    /** The body of {@link #EVENTS} (from the origin) and {@link #RELAYED} (from a relay). */
    public record Delivery(String orgId, Envelope envelope) {}

    /** The body of {@link #RELAY}: please pass this envelope to {@code to}. */
    public record RelayCall(String orgId, String to, Envelope envelope) {}

    /**
     * A recipient's answer.
     *
     * @param status {@code applied}; {@code not_mapped} (this pod has not mapped the channel yet: keep the cursor); or
     *     {@code out_of_order} (the batch before this one is not applied here: send again from there)
     * @param appliedThrough with {@code out_of_order}: the origin seq through which the origin's batches are applied here
     */
    /** What a recipient answers a batch with (issue 17 §2: a closed set; the wire keeps the strings). */
    public enum BatchStatus {
        APPLIED("applied"),
        NOT_MAPPED("not_mapped"),
        OUT_OF_ORDER("out_of_order");

        private final String wire;

        BatchStatus(String wire) { this.wire = wire; }

        /** {@return the status as the wire (or the store) spells it} */
        public String wire() { return wire; }

        /** {@return whether {@code status} is this one} */
        public boolean is(String status) { return wire.equals(status); }
    }

    public record BatchReply(String status, int applied, int duplicates, int parked, Long appliedThrough) {
        public BatchReply(String status, int applied, int duplicates, int parked) {
            this(status, applied, duplicates, parked, null);
        }

        static BatchReply applied(int applied, int duplicates, int parked) {
            return new BatchReply(BatchStatus.APPLIED.wire(), applied, duplicates, parked);
        }

        static BatchReply notMapped() { return new BatchReply(BatchStatus.NOT_MAPPED.wire(), 0, 0, 0); }

        static BatchReply outOfOrder(long appliedThrough) { return new BatchReply(BatchStatus.OUT_OF_ORDER.wire(), 0, 0, 0, appliedThrough); }

        boolean wasApplied() { return BatchStatus.APPLIED.is(status); }

        boolean outOfOrder() { return BatchStatus.OUT_OF_ORDER.is(status); }
    }

    /** A relay's answer: whether it reached the recipient, and the recipient's answer if so. */
    record RelayAnswer(boolean delivered, String reason, BatchReply reply) {}
}
