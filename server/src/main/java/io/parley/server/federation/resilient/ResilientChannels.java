package io.parley.server.federation.resilient;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.PeerState;
import io.parley.core.pod.ReplicatedMessage;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodDuties;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.PodStore;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Resilient channels (issue 7 §5): an org-shared channel with a designated replica set that holds its log sealed
 * at rest, an acting primary while the primary is down, and restore of a pod that lost its storage.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Opt-in</b> per channel by the admin of its primary (the pod that shared it): a replica set, a class
 *       ({@code messages}: messages and metadata, no attachments) and whether members may post while the primary
 *       is down. Nothing is replicated otherwise.</li>
 *   <li><b>Handshake</b> per replica: a signed offer (configuration, expected volume); the replica checks its own
 *       policy (member of the org, designated, its {@link ReplicationQuota}) and answers with a reason, or with an
 *       ephemeral X25519 key; the primary then sends the channel key wrapped with HKDF-SHA256 of the shared secret.
 *       Both sides record the outcome. The key rests only wrapped with a secret derived from the pod's own key.</li>
 *   <li><b>Replica feed = the primary's log + a cursor per replica</b> (like the org outbox; {@link ResilientFeed}):
 *       every op of the primary's chat log (remote users' too: the primary's log is the channel's complete copy) is
 *       sealed with the channel key (AES-256-GCM) on the primary, sent, and kept sealed as is by the replica, so content
 *       is encrypted in transit and at rest and a replica needs no mapping (no local members). The cursor advances
 *       only on an {@code applied} answer; a quota the replica is over answers {@code throttled} and the batch waits.
 *       While the primary is down the acting primary feeds its own log as well; the replica keeps each op once.</li>
 *   <li><b>Acks after replicas</b> ({@link ReplicaAcks}): a channel may ask that the primary ack a post only once N
 *       replica pods hold it, refusing it or falling back to the primary alone (degraded) after a timeout.</li>
 *   <li><b>Reading and posting during an outage</b> go through the org path: a replica that also maps the channel
 *       already holds the merged log and exchanges ops with the other pods directly, so reading never depends on
 *       the primary; posting is refused with {@code primary_unavailable} only if the channel says so.</li>
 *   <li><b>Acting primary.</b> While the primary is DEAD, each replica runs the {@link LeaseElection} (primary
 *       ranked first, then pod id; only usable, clock-trusted pods) and the holder announces and renews its lease;
 *       when the primary is back the holder hands the lease back. Configuration changes are accepted only on the
 *       primary (when no other pod holds a live lease) or the lease holder, and carry the term, which receivers check
 *       with {@code accepts(term)}: a stale holder's change is fenced off.</li>
 *   <li><b>Reconciliation</b> when the primary returns is the org path's: every pod's outbox replays its backlog
 *       from its durable log and inbound apply is idempotent and commutative, so digests converge; the replica feed
 *       then brings the replicas' sealed logs up to date from the primary's.</li>
 *   <li><b>Restore</b> by admin action: pull the channel's log from a replica (decrypted there, sent signed) and
 *       apply it through the org inbound path, which also indexes it for search.</li>
 * </ul>
 *
 * <h2>Parts</h2>
 * This class is the facade: it checks that the caller is an admin of the pod, runs the timer and registers the
 * routes; the work is done by {@link ResilientAdmin} (configuration), {@link ResilientHandshake} (offers, keys and
 * configurations between pods), {@link ChannelKeys}, {@link ResilientFeed} (the replica feed), {@link ReplicaLog}
 * (the replica's side), {@link ActingPrimary} (leases), {@link ResilientReconciler} and {@link ResilientRestorer},
 * over what they share ({@link ResilientContext}).
 *
 * <h2>On a scaled-out pod</h2>
 * The timer's pod-wide work is done by one node, the one that holds the {@link PodDuties} (issue 17 §1): it feeds the
 * replicas, offers the channel again, announces and hands back acting-primary leases and resends configurations to a
 * pod that is back. The other nodes serve the pod-to-pod routes and the admin API, keep their own view of the
 * elections (without announcing) and the ack policies, and read the stored feed cursors for the posts they ack
 * ({@link ReplicaAcks}). When the node with the duties stops, another takes them within the lease's expiry and its
 * feed starts from the stored cursors (a few ops may be sent again; the replica keeps each once).
 */
public final class ResilientChannels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    static final String CLASS_MESSAGES = "messages";
    static final Duration TICK = Duration.ofMillis(250);
    static final Duration REOFFER = Duration.ofSeconds(3);
    /** Restored ops take their client ids from seqs above this, so they never meet a live op's. */
    public static final long RESTORE_SEQ_BASE = 1L << 62;

    /**
     * A resilient channel as the admin API shows it.
     *
     * @param feeding whether this pod feeds its log to the replicas now: the primary, or an acting primary
     * @param cursors the replica feed's cursors of this pod's log, by replica: on the primary, and on an acting primary
     * @param degraded on the primary: whether posts are acked by it alone until the replicas catch up ({@code primary_only})
     * @param degradedSince when that began, or null
     * @param durableSeq on the primary of a channel with {@code ackAfterReplicas}: the highest seq that many replicas hold, else -1
     */
    public record View(String orgChannelId, String orgId, String primary, List<String> replicas, String replicationClass,
                       boolean postingWhilePrimaryDown, String topic, long version, String changedBy, long term, int ackAfterReplicas,
                       long ackTimeoutMs, String onReplicaTimeout, String role, String actingPrimary, Map<String, Object> lease,
                       boolean feeding, List<ResilientStore.Offer> offers, Map<String, Long> cursors, boolean degraded,
                       Instant degradedSince, long durableSeq, long storedBytes, int storedOps) {}

    /** A change of a channel's configuration; null fields keep what the channel has (or the default). */
    public record Change(List<String> replicas, String replicationClass, Boolean postingWhilePrimaryDown, String topic,
                         Integer ackAfterReplicas, Long ackTimeoutMs, String onReplicaTimeout) {}

    /** What a replica holds of a channel, opened. */
    public record ReplicaView(String orgChannelId, int ops, String digest, List<ReplicatedMessage> messages) {}

    /** How this pod's copy compared with one other pod's: {@code status} equal, differs (both resend), not_mapped or failed. */
    public record Comparison(String pod, String status, int differing, int onlyHere, int onlyThere) {}

    /** What a reconciliation found. */
    public record Reconciled(String orgChannelId, String digest, List<Comparison> pods) {}

    /** What a restore did; {@code digest} is the restored messages' state (core's merge rules), the replica's log digest when nothing was lost. */
    public record Restored(String orgChannelId, String from, int ops, String digest) {}

    private final ResilientContext ctx;
    private final String me;
    private final ResilientStore store;
    private final PodStore pods;
    private final AutoCloseable listener;
    private final ReplicaAcks acks;
    private final PodDuties duties;
    private final ResilientFeed feed;
    private final ReplicaLog replicaLog;
    private final ActingPrimary acting;
    private final ResilientHandshake handshake;
    private final ResilientAdmin admin;
    private final ResilientReconciler reconciler;
    private final ResilientRestorer restorer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-resilient").daemon().unstarted(r));

    /**
     * @param acks the gate of posts' acks the message service was built with; these channels feed what it waits for
     * @param duties whether this node does the pod-wide work (feed, offers, leases); the org channels use the same
     */
    public ResilientChannels(Federation federation, ResilientStore store, OrgStore orgStore, PodStore pods, OrgChannels orgs,
                             MeterRegistry registry, ReplicaAcks acks, PodDuties duties) {
        this.ctx = new ResilientContext(federation, store, orgStore, orgs, acks, registry);
        this.me = ctx.me();
        this.store = store;
        this.pods = pods;
        this.acks = acks;
        this.duties = duties;
        acks.wakeFeedWith(this::wakeFeed);
        ChannelKeys keys = new ChannelKeys(ctx);
        this.feed = new ResilientFeed(federation, store, orgStore, keys::key, acks, ctx::throttled, ctx::fed);
        this.replicaLog = new ReplicaLog(store, ctx.quota(), keys::key, ctx::throttled);
        this.acting = new ActingPrimary(ctx);
        this.handshake = new ResilientHandshake(ctx, keys, acting);
        this.admin = new ResilientAdmin(ctx, keys, acting, handshake, feed, duties::held);
        this.reconciler = new ResilientReconciler(ctx, handshake);
        this.restorer = new ResilientRestorer(ctx);
        for (ResilientStore.Config c : store.configs()) {
            if (!c.involves(me)) continue;
            ctx.quota().addResilientChannel(c.orgChannelId());
            ctx.quota().preload(c.orgChannelId(), store.storedBytes(c.orgChannelId())); // what this pod keeps counts after a restart
        }
        register(federation.routes());
        // Anti-entropy: a pod that comes back gets the changes this pod made while it was away.
        this.listener = federation.health().addListener((peer, from, to) -> {
            if (to == PeerState.ALIVE && duties.held()) timer.execute(() -> handshake.resend(peer));
        });
        // Another node took the duties: this one's feeders stop after their current batch, not at the next tick.
        duties.onChange(held -> {
            if (!held) timer.execute(() -> feed.retain(Set.of()));
        });
    }

    /** A post waits for replicas: a round now on the node that feeds; elsewhere nothing (the feeding node goes round every tick). */
    private void wakeFeed(String orgChannelId) {
        feed.wake(orgChannelId);
    }

    /** Starts the feed and the elections. */
    public void start() {
        ctx.refreshAcks();
        timer.execute(this::backfillOpKeys);
        long ms = TICK.toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        List<ResilientStore.Config> configs = store.configs();
        Set<String> feeding = new HashSet<>();
        boolean duty = duties.held();
        for (ResilientStore.Config c : configs) {
            try {
                if (!c.involves(me)) continue;
                acting.elect(c, duty);
                if (!duty) continue;
                if (c.primary().equals(me)) {
                    handshake.reoffer(c);
                    feed.feed(c, true);
                    feeding.add(c.orgChannelId());
                } else if (c.replicas().contains(me) && acting.isHolder(c.orgChannelId())) {
                    feed.feed(c, false); // the acting primary feeds its own log to the other replicas
                    feeding.add(c.orgChannelId());
                }
            } catch (RuntimeException e) {
                log.warn("resilient channel {}: a round failed; it runs again shortly", c.orgChannelId(), e);
            }
        }
        feed.retain(feeding);
        try {
            ctx.refreshAcks(configs);
            if (!duty) readCursors();
        } catch (RuntimeException e) {
            log.warn("resilient channels: refreshing the ack policies failed; the next tick retries", e);
        }
    }

    /** On a node that does not feed: the cursors the feeding node stored, for the posts this node acks. */
    private void readCursors() {
        for (String id : acks.wantsCursors()) {
            for (Map.Entry<String, Long> e : store.cursors(id).entrySet()) acks.held(id, e.getKey(), e.getValue(), true);
        }
    }

    /** Computes the op keys of the sealed ops this pod kept before V85; once per start. */
    private void backfillOpKeys() {
        for (ResilientStore.Config c : store.configs()) if (c.replicas().contains(me)) replicaLog.backfillOpKeys(c);
    }

    private void requireAdmin(Principal caller) {
        if (caller == null || !pods.isPodAdmin(caller.userId())) {
            throw ParleyException.forbidden("only the pod's admins may manage resilient channels");
        }
    }

    /**
     * Makes the channel resilient, or changes its configuration (replicas, posting while down, topic, when posts are
     * acked). Accepted on the primary, or on the acting primary while the primary is down; the new replicas are offered
     * the channel at once.
     */
    public View configure(Principal caller, String id, Change change) {
        requireAdmin(caller);
        return admin.configure(caller, id, change);
    }

    /** Stops replicating the channel: every replica forgets its copy. Primary or acting primary only. */
    public void disable(Principal caller, String id) {
        requireAdmin(caller);
        admin.disable(caller, id);
    }

    public View get(Principal caller, String id) {
        requireAdmin(caller);
        return admin.get(id);
    }

    /** {@return what this pod holds of the channel as a replica, opened, with its digest (for admins)} */
    public ReplicaView replica(Principal caller, String id) {
        requireAdmin(caller);
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        if (!c.replicas().contains(me)) throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not a replica of the channel");
        return replicaLog.view(c);
    }

    /**
     * Compares this pod's copy with every other pod of the replica set that maps the channel, message by message
     * ({@code ChannelReplica.messageDigests}); where they differ both sides send each other their own ops again
     * (each resets its outbox cursor for the other; applying is idempotent and commutative, so resending
     * everything is safe and the merge fixes what either lacked).
     */
    public Reconciled reconcile(Principal caller, String id) {
        requireAdmin(caller);
        return reconciler.reconcile(id);
    }

    /**
     * Pulls the channel's log from a replica ({@code from}, or the first of the org's members that answers) and
     * applies it to the local mapped chat through the org inbound path (idempotent; indexed for search as it goes).
     */
    public Restored restore(Principal caller, String id, String from) {
        requireAdmin(caller);
        return restorer.restore(caller, id, from);
    }

    /**
     * {@return the associated data a sealed op is bound to: its channel, and its place in its source's log} Ops of the
     * primary's log keep the place they had before acting primaries fed ("channel\nseq"), so older rows still open.
     */
    static String aad(String id, String source, String primary, long seq) {
        return source.equals(primary) ? id + "\n" + seq : id + "\n" + source + "\n" + seq;
    }

    // ---- the replica side (ReplicaLog keeps it) ----

    private ResilientWire.OpsReply onOps(String from, ResilientWire.Ops ops) {
        ResilientStore.Config c = ctx.designatedConfig(ops.orgChannelId(), from, true);
        if (from.equals(me)) throw ParleyException.invalid("a pod does not feed itself");
        return replicaLog.take(c, from, ops);
    }

    private ResilientWire.PullReply onPull(String from, ResilientWire.Pull p) {
        ResilientStore.Config c = ctx.designatedConfig(p.orgChannelId(), from, true);
        ResilientWire.PullReply reply = replicaLog.pull(c, p);
        log.info("resilient channel {}: pod {} pulled {} ops (restore)", c.orgChannelId(), from, reply.ops().size());
        return reply;
    }

    // ---- routes ----

    private void register(PodRoutes routes) {
        routes.handle(ResilientWire.OFFER, ResilientWire.Offer.class, (from, o) -> PodReply.ok(handshake.onOffer(from, o)));
        routes.handle(ResilientWire.KEY, ResilientWire.KeyCall.class, (from, k) -> PodReply.ok(handshake.onKey(from, k)));
        routes.handle(ResilientWire.OPS, ResilientWire.Ops.class, (from, o) -> PodReply.ok(onOps(from, o)));
        routes.handle(ResilientWire.CONFIG, ResilientWire.Config.class, (from, c) -> PodReply.ok(handshake.onConfig(from, c)));
        routes.handle(ResilientWire.LEASE, ResilientWire.LeaseMsg.class, (from, l) -> PodReply.ok(acting.onLease(from, l)));
        routes.handle(ResilientWire.PULL, ResilientWire.Pull.class, (from, p) -> PodReply.ok(onPull(from, p)));
        routes.handle(ResilientWire.DIGESTS, ResilientWire.DigestsCall.class, (from, c) -> PodReply.ok(reconciler.onDigests(from, c)));
        routes.handle(ResilientWire.RESEND, ResilientWire.Resend.class, (from, c) -> PodReply.ok(reconciler.onResend(from, c)));
        routes.handle(ResilientWire.REVOKE, ResilientWire.Revoke.class, (from, r) -> PodReply.ok(handshake.onRevoke(from, r)));
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (Exception ignored) {
            // removing a listener does not fail
        }
        timer.shutdownNow();
        feed.close();
        acks.close();
    }
}
