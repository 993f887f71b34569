package io.parley.server.federation.resilient;

import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.Lease;
import io.parley.core.pod.ReplicationQuota;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin side of resilient channels (issue 7 §5): turning a channel's replication on, changing it, turning it off
 * and showing it. A change is made on the primary, or on the acting primary while the primary is down
 * ({@link ActingPrimary#requireActing}); it is saved with the next version, and everyone involved, before and now,
 * is told, the replicas that have not accepted the channel yet by a handshake. The caller is an admin of the pod:
 * {@link ResilientChannels} checks that before it asks.
 */
final class ResilientAdmin {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final ResilientContext ctx;
    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgStore orgStore;
    private final OrgChannels orgs;
    private final ReplicationQuota quota;
    private final ChannelKeys keys;
    private final ActingPrimary acting;
    private final ResilientHandshake handshake;
    private final ResilientFeed feed;
    private final java.util.function.BooleanSupplier dutiesHere;
    private final ReplicaAcks acks;

    /** @param dutiesHere whether this node does the pod's single-node duties (it is the one that feeds) */
    ResilientAdmin(ResilientContext ctx, ChannelKeys keys, ActingPrimary acting, ResilientHandshake handshake, ResilientFeed feed,
                   java.util.function.BooleanSupplier dutiesHere) {
        this.ctx = ctx;
        this.federation = ctx.federation();
        this.me = ctx.me();
        this.store = ctx.store();
        this.orgStore = ctx.orgStore();
        this.orgs = ctx.orgs();
        this.quota = ctx.quota();
        this.keys = keys;
        this.acting = acting;
        this.handshake = handshake;
        this.feed = feed;
        this.dutiesHere = dutiesHere;
        this.acks = ctx.acks();
    }

    /**
     * Makes the channel resilient, or changes its configuration (replicas, posting while down, topic, when posts are
     * acked). Accepted on the primary, or on the acting primary while the primary is down; the new replicas are offered
     * the channel at once.
     */
    ResilientChannels.View configure(Principal caller, String id, ResilientChannels.Change change) {
        List<String> replicas = change.replicas();
        String replicationClass = change.replicationClass();
        Boolean postingWhileDown = change.postingWhilePrimaryDown();
        String topic = change.topic();
        String newTopic = topic == null ? null : Input.optionalName("topic", topic, 250);
        OrgStore.OrgChannel ch = ctx.orgChannel(id);
        Optional<ResilientStore.Config> before = store.config(id);
        String primary = before.map(ResilientStore.Config::primary).orElse(ch.offeredBy());
        acting.requireActing(id, primary);
        String cls = replicationClass == null ? before.map(ResilientStore.Config::replicationClass).orElse(ResilientChannels.CLASS_MESSAGES) : replicationClass;
        if (!ResilientChannels.CLASS_MESSAGES.equals(cls)) throw ParleyException.invalid("replicationClass: only \"messages\" (messages and metadata; attachments are not replicated)");
        List<String> reps = replicas == null ? before.map(ResilientStore.Config::replicas).orElse(List.of()) : List.copyOf(new LinkedHashSet<>(replicas));
        List<String> members = orgStore.members(ch.orgId());
        for (String r : reps) {
            if (r.equals(primary)) throw ParleyException.invalid("the primary '" + r + "' cannot be its own replica");
            if (!members.contains(r)) throw ParleyException.invalid("pod '" + r + "' is not a member of the org");
            if (!r.equals(me) && federation.peers().find(r).isEmpty()) throw ParleyException.invalid("pod '" + r + "' is not linked to this pod");
        }
        ResilientStore.Acks ackPolicy = acksOf(change, before.map(ResilientStore.Config::acks).orElse(ResilientStore.Acks.ON_COMMIT), reps.size());
        if (before.isEmpty() && !quota.addResilientChannel(id)) {
            ctx.throttled("primary", "resilient_channels");
            throw new ParleyException(ErrorCode.QUOTA_EXCEEDED, "this pod hosts pod.max_resilient_channels resilient channels already");
        }
        long term = primary.equals(me) ? 0 : acting.current(id).map(Lease::term).orElse(0L);
        ResilientStore.Config next = new ResilientStore.Config(id, ch.orgId(), primary, reps, cls,
                postingWhileDown == null ? before.map(ResilientStore.Config::postingWhilePrimaryDown).orElse(true) : postingWhileDown,
                newTopic == null ? before.map(ResilientStore.Config::topic).orElse(null) : newTopic,
                before.map(ResilientStore.Config::version).orElse(0L) + 1, me, term, ackPolicy, federation.clock().instant());
        store.saveConfig(next);
        orgs.adoptTopic(id, next.topic());
        ctx.refreshAcks();
        log.info("resilient channel {}: configuration v{} by user {} on {} (replicas {})", id, next.version(), caller.userId(), me, reps);
        if (keys.key(id).isEmpty() && primary.equals(me)) keys.saveKey(id, ResilientCrypto.newKey());
        // Tell everyone involved, before and now; offer the channel to replicas that have not accepted it.
        Set<String> tell = new LinkedHashSet<>();
        tell.add(primary);
        before.ifPresent(b -> tell.addAll(b.replicas()));
        tell.addAll(reps);
        tell.remove(me);
        Map<String, String> accepted = new LinkedHashMap<>();
        for (ResilientStore.Offer o : store.offers(id)) accepted.put(o.pod(), o.status());
        for (String p : tell) {
            // The primary knows every handshake's outcome; an acting primary offers only the replicas it adds.
            boolean offer = primary.equals(me) ? !ResilientStore.OfferStatus.ACCEPTED.is(accepted.get(p))
                    : before.map(b -> !b.replicas().contains(p)).orElse(true) && !p.equals(primary);
            if (reps.contains(p) && offer && keys.key(id).isPresent()) {
                handshake.handshake(next, p);
            } else {
                federation.client().sendAsync(p, ResilientWire.CONFIG, ResilientContext.wire(next));
            }
        }
        return view(id);
    }

    /**
     * {@return the ack policy the change asks for, over what the channel had} @throws ParleyException INVALID naming
     * every field out of range at once: ackAfterReplicas 0..replicas, ackTimeoutMs 100..8000, onReplicaTimeout refuse or
     * primary_only
     */
    private static ResilientStore.Acks acksOf(ResilientChannels.Change change, ResilientStore.Acks before, int replicas) {
        int after = change.ackAfterReplicas() == null ? before.afterReplicas() : change.ackAfterReplicas();
        long timeout = change.ackTimeoutMs() == null ? before.timeoutMs() : change.ackTimeoutMs();
        String onTimeout = change.onReplicaTimeout() == null ? before.onTimeout() : change.onReplicaTimeout();
        List<String> problems = new ArrayList<>();
        if (after < 0 || after > replicas) {
            problems.add("ackAfterReplicas must be 0.." + replicas + " (the number of designated replicas), not " + after);
        }
        if (timeout < ResilientStore.Acks.MIN_TIMEOUT_MS || timeout > ResilientStore.Acks.MAX_TIMEOUT_MS) {
            problems.add("ackTimeoutMs must be " + ResilientStore.Acks.MIN_TIMEOUT_MS + ".." + ResilientStore.Acks.MAX_TIMEOUT_MS + ", not " + timeout);
        }
        if (!ResilientStore.Acks.REFUSE.equals(onTimeout) && !ResilientStore.Acks.PRIMARY_ONLY.equals(onTimeout)) {
            problems.add("onReplicaTimeout must be \"refuse\" or \"primary_only\"");
        }
        if (!problems.isEmpty()) throw ParleyException.invalid(String.join("; ", problems));
        return new ResilientStore.Acks(after, timeout, onTimeout);
    }

    /** Stops replicating the channel: every replica forgets its copy. Primary or acting primary only. */
    void disable(Principal caller, String id) {
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        acting.requireActing(id, c.primary());
        for (String p : c.replicas()) {
            if (!p.equals(me)) federation.client().sendAsync(p, ResilientWire.REVOKE, new ResilientWire.Revoke(id));
        }
        if (!c.primary().equals(me)) federation.client().sendAsync(c.primary(), ResilientWire.REVOKE, new ResilientWire.Revoke(id));
        handshake.forget(id);
        log.info("resilient channel {}: replication turned off by user {}", id, caller.userId());
    }

    ResilientChannels.View get(String id) {
        ctx.orgChannel(id);
        if (store.config(id).isEmpty()) throw ParleyException.notFound("the channel is not resilient");
        return view(id);
    }

    ResilientChannels.View view(String id) {
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        Map<String, Object> lease = new LinkedHashMap<>();
        acting.current(id).ifPresent(l -> {
            lease.put("holder", l.holder());
            lease.put("term", l.term());
            lease.put("expiresAt", l.expiresAt().toString());
            lease.put("live", acting.live(l));
        });
        // The pod's answer on every node: a node of a scaled-out pod without the duties does not feed itself.
        boolean feeding = dutiesHere.getAsBoolean() ? feed.feeds(id)
                : c.primary().equals(me) || (c.replicas().contains(me) && acting.isHolder(id));
        Map<String, Long> cursors = c.primary().equals(me) || feeding ? feed.cursors(c) : Map.of();
        String role = c.primary().equals(me) ? "primary" : c.replicas().contains(me) ? "replica" : "none";
        ReplicaAcks.Status ackStatus = c.primary().equals(me) ? acks.status(id) : null;
        ResilientStore.Acks a = c.acks();
        return new ResilientChannels.View(id, c.orgId(), c.primary(), c.replicas(), c.replicationClass(), c.postingWhilePrimaryDown(), c.topic(), c.version(),
                c.changedBy(), c.term(), a.afterReplicas(), a.timeoutMs(), a.onTimeout(), role, acting.actingPod(c), lease, feeding, store.offers(id), cursors,
                ackStatus != null && ackStatus.degraded(), ackStatus == null ? null : ackStatus.degradedSince(),
                ackStatus == null ? -1 : ackStatus.durableSeq(), store.storedBytes(id), store.storedOps(id));
    }
}
