package io.parley.server.federation.resilient;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.ChannelReplica;
import io.parley.core.pod.MessageKey;
import io.parley.core.pod.ReplicaOp;
import io.parley.core.pod.ReplicationQuota;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.org.OrgOp;
import io.parley.server.federation.org.OrgWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A replica's sealed copy of a resilient channel's log: it takes the feed, serves restores and the admin view.
 *
 * <p>Ops come from the primary's log and, during an outage, from an acting primary's ({@link ResilientFeed}). Each is
 * kept sealed as it came, under its source's (pod, seq) and its op key (its identity under the channel key, computed
 * here after opening it: the replica holds the key), so the same op fed by two pods is kept once and a repeated feed
 * costs no room and no quota. Read back, the log is in (hlc, source, seq) order: each origin's hlcs grow, so each
 * origin's ops come in its order wherever they were fed from. The callers check who may send what
 * ({@code ResilientChannels.designatedConfig}); nothing here logs content.
 */
final class ReplicaLog {
    private static final Logger log = LoggerFactory.getLogger(ReplicaLog.class);
    static final int MAX_OPS_PER_CALL = 1000;

    private final ReplicaCopies store;
    private final ReplicationQuota quota;
    private final Function<String, Optional<byte[]>> keys;
    private final BiConsumer<String, String> throttled;

    /**
     * @param keys the channel key of a channel, if this pod holds it
     * @param throttled counts a throttle: (side, limit)
     */
    ReplicaLog(ReplicaCopies store, ReplicationQuota quota, Function<String, Optional<byte[]>> keys, BiConsumer<String, String> throttled) {
        this.store = store;
        this.quota = quota;
        this.keys = keys;
        this.throttled = throttled;
    }

    /**
     * Keeps ops of the sender's log (the primary's, or an acting primary's: any designated pod may feed, for only the
     * channel's pods hold the key the ops must open with). Only bytes not held yet count against the quota.
     */
    ResilientWire.OpsReply take(ResilientStore.Config c, String from, ResilientWire.Ops ops) {
        byte[] key = keys.apply(c.orgChannelId()).orElseThrow(() -> new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod holds no key for the channel yet"));
        List<ResilientWire.Sealed> list = ops.ops() == null ? List.of() : ops.ops();
        if (list.size() > MAX_OPS_PER_CALL) throw ParleyException.invalid("at most " + MAX_OPS_PER_CALL + " ops per call");
        Mac mac = ResilientCrypto.opKeys(key);
        List<ResilientStore.SealedOp> rows = new ArrayList<>();
        for (ResilientWire.Sealed s : list) {
            if (s == null || s.sealed() == null || s.seq() < 1) throw ParleyException.invalid("every op needs seq and sealed");
            byte[] raw;
            ResilientWire.Op op;
            try {
                raw = Ed25519.unb64(s.sealed());
                op = PodRoutes.parse(ResilientCrypto.open(key, raw, ResilientChannels.aad(c.orgChannelId(), from, c.primary(), s.seq())),
                        ResilientWire.Op.class); // authentic, and for this place
            } catch (IllegalArgumentException | ParleyException e) {
                throw ParleyException.invalid("op " + s.seq() + " does not open with the channel key");
            }
            if (op.event() == null || op.origin() == null) throw ParleyException.invalid("op " + s.seq() + " has no event or origin");
            rows.add(new ResilientStore.SealedOp(from, s.seq(), s.hlc(), raw.length, s.sealed(), ResilientCrypto.opKey(mac, op.identity())));
        }
        Set<String> held = store.heldKeys(c.orgChannelId(), rows.stream().map(ResilientStore.SealedOp::opKey).toList());
        long bytes = 0;
        for (ResilientStore.SealedOp r : rows) if (!held.contains(r.opKey())) bytes += r.bytes();
        ReplicationQuota.Admission a = quota.admit(c.orgChannelId(), bytes);
        if (!a.admitted()) {
            String kind = a.limitedBy().name().toLowerCase(Locale.ROOT);
            throttled.accept("replica", kind);
            return new ResilientWire.OpsReply(ResilientWire.OpsStatus.THROTTLED.wire(), 0, a.retryAfter() == null ? 5_000 : a.retryAfter().toMillis(), kind);
        }
        long stored = store.store(c.orgChannelId(), rows);
        if (stored < bytes) quota.release(c.orgChannelId(), bytes - stored); // ops another feed stored meanwhile take no room
        return new ResilientWire.OpsReply(ResilientWire.OpsStatus.APPLIED.wire(), stored, 0, null);
    }

    /** {@return a page of the log for a restore, opened, and where the next page starts} */
    ResilientWire.PullReply pull(ResilientStore.Config c, ResilientWire.Pull p) {
        int limit = Math.clamp(p.limit(), 1, MAX_OPS_PER_CALL);
        ResilientStore.Position after = p.after() == null ? ResilientStore.Position.START : p.after();
        List<ResilientStore.SealedOp> rows = store.storedAfter(c.orgChannelId(), after, limit);
        return new ResilientWire.PullReply(opened(c, rows), rows.size() == limit, rows.isEmpty() ? after : ResilientStore.Position.of(rows.getLast()));
    }

    /** {@return the whole log, opened, with its digest (core's merge rules over its ops)} */
    ResilientChannels.ReplicaView view(ResilientStore.Config c) {
        List<ResilientWire.Op> ops = opened(c, store.storedAfter(c.orgChannelId(), ResilientStore.Position.START, Integer.MAX_VALUE));
        ChannelReplica replica = new ChannelReplica(c.orgChannelId());
        for (ResilientWire.Op op : ops) {
            ReplicaOp r = replicaOp(op);
            if (r != null) replica.apply(r);
        }
        return new ResilientChannels.ReplicaView(c.orgChannelId(), ops.size(), replica.digest(), replica.view());
    }

    private List<ResilientWire.Op> opened(ResilientStore.Config c, List<ResilientStore.SealedOp> rows) {
        String id = c.orgChannelId();
        byte[] key = keys.apply(id).orElseThrow(() -> ParleyException.unavailable("this pod holds no key for the channel", 60, null));
        List<ResilientWire.Op> out = new ArrayList<>();
        for (ResilientStore.SealedOp s : rows) {
            byte[] plain = ResilientCrypto.open(key, Ed25519.unb64(s.sealed()), ResilientChannels.aad(id, s.source(), c.primary(), s.seq()));
            out.add(PodRoutes.parse(plain, ResilientWire.Op.class));
        }
        return out;
    }

    private static ReplicaOp replicaOp(ResilientWire.Op op) {
        OrgWire.Event e = op.event();
        MessageKey key = new MessageKey(e.messagePod(), e.messageId());
        String user = e.author().id() + "@" + op.origin();
        OrgOp kind = OrgOp.fromWire(e.op()).orElse(null);
        if (kind == null) return null;
        return switch (kind) {
            case POST -> new ReplicaOp.Post(key, op.origin(), e.hlc(), user,
                    e.threadRoot() == null ? null : new MessageKey(e.threadRootPod(), e.threadRoot()), e.content());
            case EDIT -> new ReplicaOp.Edit(key, op.origin(), e.hlc(), e.content());
            case DELETE -> new ReplicaOp.Delete(key, op.origin(), e.hlc());
            case REACT_ADD -> new ReplicaOp.React(key, op.origin(), e.hlc(), user, e.emoji(), true);
            case REACT_REMOVE -> new ReplicaOp.React(key, op.origin(), e.hlc(), user, e.emoji(), false);
        };
    }

    /**
     * Computes the op keys of the channel's ops stored before V85 (the migration could not: it takes the channel key),
     * so an acting primary's copy of such an op is recognised. A failure leaves the rest to the next start.
     */
    void backfillOpKeys(ResilientStore.Config c) {
        Optional<byte[]> key = keys.apply(c.orgChannelId());
        if (key.isEmpty()) return;
        try {
            Mac mac = ResilientCrypto.opKeys(key.get());
            int done = 0;
            for (List<ResilientStore.SealedOp> rows; !(rows = store.withoutOpKey(c.orgChannelId(), 500)).isEmpty(); ) {
                List<ResilientStore.SealedOp> keyed = new ArrayList<>();
                for (ResilientWire.Op op : opened(c, rows)) {
                    ResilientStore.SealedOp r = rows.get(keyed.size());
                    keyed.add(new ResilientStore.SealedOp(r.source(), r.seq(), r.hlc(), r.bytes(), r.sealed(), ResilientCrypto.opKey(mac, op.identity())));
                }
                store.setOpKeys(c.orgChannelId(), keyed);
                done += keyed.size();
            }
            if (done > 0) log.info("resilient channel {}: op keys computed for {} ops stored before they were kept", c.orgChannelId(), done);
        } catch (RuntimeException e) {
            log.warn("resilient channel {}: computing the op keys of older ops failed; the next start retries", c.orgChannelId(), e);
        }
    }
}
