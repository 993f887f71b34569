package io.parley.server.federation.resilient;

import java.util.Collection;
import java.util.List;

/**
 * A replica's sealed copy of a channel's log: ops kept as they came, once each, read in (hlc, source, seq) order.
 * One of the ports {@link ResilientStore} is made of (issue 17 §3).
 */
public interface ReplicaCopies {
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
}
