package io.parley.server.federation.resilient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.auth.Principal;
import io.parley.core.chat.AckGate;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.Candidate;
import io.parley.core.pod.Eligibility;
import io.parley.core.pod.Lease;
import io.parley.core.pod.LeaseElection;
import io.parley.core.pod.LeaseSettings;
import io.parley.core.pod.PeerState;
import io.parley.core.pod.QuotaAlert;
import io.parley.core.pod.QuotaSettings;
import io.parley.core.pod.ReplicatedMessage;
import io.parley.core.pod.ReplicationQuota;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.PodSettings;
import io.parley.server.federation.link.PodStore;
import io.parley.server.federation.link.Signing;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import io.parley.server.federation.org.OrgWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgStore orgStore;
    private final PodStore pods;
    private final OrgChannels orgs;
    private final ReplicationQuota quota;
    private final QuotaSettings quotaSettings;
    private final LeaseElection leases;
    private final LeaseSettings leaseSettings;
    private final MeterRegistry registry;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAnnounce = new ConcurrentHashMap<>();
    private final AutoCloseable listener;
    private final ReplicaAcks acks;
    private final ResilientFeed feed;
    private final ReplicaLog replicaLog;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-resilient").daemon().unstarted(r));

    /** @param acks the gate of posts' acks the message service was built with; these channels feed what it waits for */
    public ResilientChannels(Federation federation, ResilientStore store, OrgStore orgStore, PodStore pods, OrgChannels orgs,
                             MeterRegistry registry, ReplicaAcks acks) {
        this.federation = federation;
        this.me = federation.identity().id();
        this.store = store;
        this.orgStore = orgStore;
        this.pods = pods;
        this.orgs = orgs;
        this.registry = registry;
        PodSettings s = federation.settings();
        this.quotaSettings = new QuotaSettings(s.maxResilientChannels(), s.maxReplicatedBytes(), s.replicationRate(),
                Math.max(s.replicationRate(), s.replicationRate() * 8), Duration.ofMinutes(1));
        this.quota = new ReplicationQuota(quotaSettings, federation.clock(), (kind, detail) -> { });
        this.leaseSettings = new LeaseSettings(s.leaseDuration(), s.maxClockSkew());
        this.leases = new LeaseElection(me, leaseSettings, Eligibility.fromHealth(federation.health(), me, s.maxClockSkew()), federation.clock());
        this.acks = acks;
        acks.wakeFeedWith(this::wakeFeed);
        this.feed = new ResilientFeed(federation, store, orgStore, this::key, acks, this::throttled);
        this.replicaLog = new ReplicaLog(store, quota, this::key, this::throttled);
        for (ResilientStore.Config c : store.configs()) {
            if (!c.involves(me)) continue;
            quota.addResilientChannel(c.orgChannelId());
            quota.preload(c.orgChannelId(), store.storedBytes(c.orgChannelId())); // what this pod keeps counts after a restart
        }
        register(federation.routes());
        // Anti-entropy: a pod that comes back gets the changes this pod made while it was away.
        this.listener = federation.health().addListener((peer, from, to) -> {
            if (to == PeerState.ALIVE) timer.execute(() -> resend(peer));
        });
    }

    private void resend(String peer) {
        try {
            for (ResilientStore.Config c : store.configs()) {
                if (c.involves(peer) && c.changedBy().equals(me)) sendConfig(c, peer);
            }
        } catch (RuntimeException e) {
            log.warn("resending resilient configurations to {} failed; the next return of the peer retries", peer, e);
        }
    }

    private void wakeFeed(String orgChannelId) {
        feed.wake(orgChannelId);
    }

    /** Starts the feed and the elections. */
    public void start() {
        refreshAcks(store.configs());
        timer.execute(this::backfillOpKeys);
        long ms = TICK.toMillis();
        timer.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        List<ResilientStore.Config> configs = store.configs();
        Set<String> feeding = new java.util.HashSet<>();
        for (ResilientStore.Config c : configs) {
            try {
                if (!c.involves(me)) continue;
                elect(c);
                if (c.primary().equals(me)) {
                    reoffer(c);
                    feed.feed(c, true);
                    feeding.add(c.orgChannelId());
                } else if (c.replicas().contains(me) && leases.isHolder(c.orgChannelId())) {
                    feed.feed(c, false); // the acting primary feeds its own log to the other replicas
                    feeding.add(c.orgChannelId());
                }
            } catch (RuntimeException e) {
                log.warn("resilient channel {}: a round failed; it runs again shortly", c.orgChannelId(), e);
            }
        }
        feed.retain(feeding);
        try {
            refreshAcks(configs);
        } catch (RuntimeException e) {
            log.warn("resilient channels: refreshing the ack policies failed; the next tick retries", e);
        }
    }

    /** Tells {@link ReplicaAcks} which local chats' posts wait for replicas: those of channels this pod is the primary of. */
    private void refreshAcks(List<ResilientStore.Config> configs) {
        Map<UUID, ReplicaAcks.Policy> byChat = new HashMap<>();
        for (ResilientStore.Config c : configs) {
            if (!c.primary().equals(me) || c.acks().afterReplicas() <= 0) continue;
            orgStore.channel(c.orgChannelId()).map(OrgStore.OrgChannel::chatId)
                    .ifPresent(chat -> byChat.put(chat, new ReplicaAcks.Policy(c.orgChannelId(), c.replicas(), c.acks())));
        }
        acks.policies(byChat);
    }

    /** Computes the op keys of the sealed ops this pod kept before V85; once per start. */
    private void backfillOpKeys() {
        for (ResilientStore.Config c : store.configs()) if (c.replicas().contains(me)) replicaLog.backfillOpKeys(c);
    }

    // ---- metrics ----

    private void count(String name, String tagKey, String tagValue) {
        counters.computeIfAbsent(name + "|" + tagKey + "|" + tagValue, k -> Counter.builder(name).tag(tagKey, tagValue).register(registry))
                .increment();
    }

    private void throttled(String side, String kind) {
        count("parley_pod_replication_throttled", "kind", side + ":" + kind);
    }

    // ---- admin API ----

    private void requireAdmin(Principal caller) {
        if (caller == null || !pods.isPodAdmin(caller.userId())) {
            throw ParleyException.forbidden("only the pod's admins may manage resilient channels");
        }
    }

    private OrgStore.OrgChannel orgChannel(String id) {
        return orgStore.channel(id).orElseThrow(() -> new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org channel '" + id + "'"));
    }

    /**
     * Makes the channel resilient, or changes its configuration (replicas, posting while down, topic, when posts are
     * acked). Accepted on the primary, or on the acting primary while the primary is down; the new replicas are offered
     * the channel at once.
     */
    public View configure(Principal caller, String id, Change change) {
        requireAdmin(caller);
        List<String> replicas = change.replicas();
        String replicationClass = change.replicationClass();
        Boolean postingWhileDown = change.postingWhilePrimaryDown();
        String topic = change.topic();
        String newTopic = topic == null ? null : Input.optionalName("topic", topic, 250);
        OrgStore.OrgChannel ch = orgChannel(id);
        Optional<ResilientStore.Config> before = store.config(id);
        String primary = before.map(ResilientStore.Config::primary).orElse(ch.offeredBy());
        requireActing(id, primary);
        String cls = replicationClass == null ? before.map(ResilientStore.Config::replicationClass).orElse(CLASS_MESSAGES) : replicationClass;
        if (!CLASS_MESSAGES.equals(cls)) throw ParleyException.invalid("replicationClass: only \"messages\" (messages and metadata; attachments are not replicated)");
        List<String> reps = replicas == null ? before.map(ResilientStore.Config::replicas).orElse(List.of()) : List.copyOf(new LinkedHashSet<>(replicas));
        List<String> members = orgStore.members(ch.orgId());
        for (String r : reps) {
            if (r.equals(primary)) throw ParleyException.invalid("the primary '" + r + "' cannot be its own replica");
            if (!members.contains(r)) throw ParleyException.invalid("pod '" + r + "' is not a member of the org");
            if (!r.equals(me) && federation.peers().find(r).isEmpty()) throw ParleyException.invalid("pod '" + r + "' is not linked to this pod");
        }
        ResilientStore.Acks ackPolicy = acksOf(change, before.map(ResilientStore.Config::acks).orElse(ResilientStore.Acks.ON_COMMIT), reps.size());
        if (before.isEmpty() && !quota.addResilientChannel(id)) {
            throttled("primary", "resilient_channels");
            throw new ParleyException(ErrorCode.QUOTA_EXCEEDED, "this pod hosts pod.max_resilient_channels resilient channels already");
        }
        long term = primary.equals(me) ? 0 : leases.current(id).map(Lease::term).orElse(0L);
        ResilientStore.Config next = new ResilientStore.Config(id, ch.orgId(), primary, reps, cls,
                postingWhileDown == null ? before.map(ResilientStore.Config::postingWhilePrimaryDown).orElse(true) : postingWhileDown,
                newTopic == null ? before.map(ResilientStore.Config::topic).orElse(null) : newTopic,
                before.map(ResilientStore.Config::version).orElse(0L) + 1, me, term, ackPolicy, federation.clock().instant());
        store.saveConfig(next);
        orgs.adoptTopic(id, next.topic());
        refreshAcks(store.configs());
        log.info("resilient channel {}: configuration v{} by user {} on {} (replicas {})", id, next.version(), caller.userId(), me, reps);
        if (key(id).isEmpty() && primary.equals(me)) saveKey(id, ResilientCrypto.newKey());
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
            boolean offer = primary.equals(me) ? !"accepted".equals(accepted.get(p))
                    : before.map(b -> !b.replicas().contains(p)).orElse(true) && !p.equals(primary);
            if (reps.contains(p) && offer && key(id).isPresent()) {
                handshake(next, p);
            } else {
                federation.client().sendAsync(p, ResilientWire.CONFIG, wire(next));
            }
        }
        return view(id);
    }

    /**
     * {@return the ack policy the change asks for, over what the channel had} @throws ParleyException INVALID naming
     * every field out of range at once: ackAfterReplicas 0..replicas, ackTimeoutMs 100..8000, onReplicaTimeout refuse or
     * primary_only
     */
    private static ResilientStore.Acks acksOf(Change change, ResilientStore.Acks before, int replicas) {
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
    public void disable(Principal caller, String id) {
        requireAdmin(caller);
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        requireActing(id, c.primary());
        for (String p : c.replicas()) {
            if (!p.equals(me)) federation.client().sendAsync(p, ResilientWire.REVOKE, new ResilientWire.Revoke(id));
        }
        if (!c.primary().equals(me)) federation.client().sendAsync(c.primary(), ResilientWire.REVOKE, new ResilientWire.Revoke(id));
        forget(id);
        log.info("resilient channel {}: replication turned off by user {}", id, caller.userId());
    }

    public View get(Principal caller, String id) {
        requireAdmin(caller);
        orgChannel(id);
        if (store.config(id).isEmpty()) throw ParleyException.notFound("the channel is not resilient");
        return view(id);
    }

    private View view(String id) {
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        Map<String, Object> lease = new LinkedHashMap<>();
        leases.current(id).ifPresent(l -> {
            lease.put("holder", l.holder());
            lease.put("term", l.term());
            lease.put("expiresAt", l.expiresAt().toString());
            lease.put("live", live(l));
        });
        boolean feeding = feed.feeds(id);
        Map<String, Long> cursors = c.primary().equals(me) || feeding ? feed.cursors(c) : Map.of();
        String role = c.primary().equals(me) ? "primary" : c.replicas().contains(me) ? "replica" : "none";
        ReplicaAcks.Status ackStatus = c.primary().equals(me) ? acks.status(id) : null;
        ResilientStore.Acks a = c.acks();
        return new View(id, c.orgId(), c.primary(), c.replicas(), c.replicationClass(), c.postingWhilePrimaryDown(), c.topic(), c.version(),
                c.changedBy(), c.term(), a.afterReplicas(), a.timeoutMs(), a.onTimeout(), role, acting(c), lease, feeding, store.offers(id), cursors,
                ackStatus != null && ackStatus.degraded(), ackStatus == null ? null : ackStatus.degradedSince(),
                ackStatus == null ? -1 : ackStatus.durableSeq(), store.storedBytes(id), store.storedOps(id));
    }

    // ---- who acts ----

    private boolean live(Lease l) {
        return federation.clock().instant().isBefore(l.expiresAt());
    }

    /** {@return the pod that acts as primary now, as this pod sees it} */
    private String acting(ResilientStore.Config c) {
        Optional<Lease> l = leases.current(c.orgChannelId());
        if (l.isPresent() && live(l.get())) return l.get().holder();
        return c.primary();
    }

    /** @throws ParleyException NOT_PRIMARY naming who acts, unless this pod may change the channel now */
    private void requireActing(String id, String primary) {
        Optional<Lease> l = leases.current(id);
        boolean otherHolds = l.isPresent() && live(l.get()) && !l.get().holder().equals(me);
        if (primary.equals(me) && !otherHolds) return;
        if (!primary.equals(me) && leases.isHolder(id)) return;
        String who = l.isPresent() && live(l.get()) ? l.get().holder() : primary;
        throw new ParleyException(ErrorCode.NOT_PRIMARY, "changes of this channel are made on its " + (who.equals(primary) ? "primary" : "acting primary")
                + " pod '" + who + "'");
    }

    // ---- elections ----

    private static List<Candidate> candidates(ResilientStore.Config c) {
        List<Candidate> out = new ArrayList<>();
        out.add(new Candidate(c.primary(), 1));
        for (String r : c.replicas()) out.add(new Candidate(r, 0));
        return out;
    }

    private void elect(ResilientStore.Config c) {
        if (c.primary().equals(me)) return; // the primary acts by right; it learns leases from announcements
        String id = c.orgChannelId();
        boolean primaryDead = federation.health().health(c.primary()).state() == PeerState.DEAD;
        Optional<Lease> before = leases.current(id);
        boolean holder = before.isPresent() && before.get().holder().equals(me);
        if (!primaryDead && !holder) return;
        if (!holder && selfSkewed(c)) return; // a pod whose own clock is the odd one out takes no lease; it only observes
        Optional<Lease> now = leases.elect(id, candidates(c));
        if (now.isEmpty()) return;
        Lease l = now.get();
        if (l.holder().equals(me)) {
            if (l.expiresAt().minus(leaseSettings.leaseDuration().dividedBy(2)).isBefore(federation.clock().instant())) {
                l = leases.renew(id).orElse(l);
            }
        }
        boolean changed = before.isEmpty() || before.get().term() != l.term() || !before.get().holder().equals(l.holder());
        if (holder && !l.holder().equals(me)) {
            // Handing back: the primary may have missed the changes made meanwhile; it gets them before the new lease.
            ResilientStore.Config mine = store.config(id).orElse(c);
            if (mine.changedBy().equals(me)) federation.client().send(c.primary(), ResilientWire.CONFIG, wire(mine));
        }
        if (changed) log.info("resilient channel {}: lease term {} held by {} (primary {} is {})", id, l.term(), l.holder(), c.primary(),
                primaryDead ? "down" : "back");
        long last = lastAnnounce.getOrDefault(id, 0L);
        if (changed || (l.holder().equals(me) && System.currentTimeMillis() - last > leaseSettings.leaseDuration().toMillis() / 4)) {
            announce(c, l);
        }
    }

    /**
     * {@return whether this pod's clock is the one that is off: more than half of the other pods of the channel whose
     * offset was measured (a dead primary's last measurement counts) are beyond pod.max_clock_skew from here} A pod
     * cannot see its own skew directly; the other pods exclude it from the election through their Eligibility.
     */
    private boolean selfSkewed(ResilientStore.Config c) {
        int measured = 0;
        int skewed = 0;
        for (Candidate cand : candidates(c)) {
            if (cand.pod().equals(me) || federation.clocks().offset(cand.pod()).isEmpty()) continue;
            measured++;
            if (federation.clockSkewed(cand.pod())) skewed++;
        }
        return measured > 0 && skewed * 2 > measured;
    }

    private void announce(ResilientStore.Config c, Lease l) {
        lastAnnounce.put(c.orgChannelId(), System.currentTimeMillis());
        var msg = new ResilientWire.LeaseMsg(l.channelId(), l.holder(), l.term(), l.expiresAt().toEpochMilli());
        for (Candidate cand : candidates(c)) {
            if (cand.pod().equals(me) || federation.health().health(cand.pod()).state() == PeerState.DEAD) continue;
            federation.client().sendAsync(cand.pod(), ResilientWire.LEASE, msg);
        }
    }

    private ResilientWire.Ack onLease(String from, ResilientWire.LeaseMsg m) {
        ResilientStore.Config c = designatedConfig(m.orgChannelId(), from, false);
        if (m.holder() == null || m.term() < 1) throw ParleyException.invalid("holder and term are required");
        if (!c.involves(m.holder())) throw ParleyException.invalid("the holder is not a candidate of the channel");
        var obs = leases.observe(new Lease(m.orgChannelId(), m.holder(), m.term(), Instant.ofEpochMilli(m.expiresAt())), candidates(c));
        if (obs.outcome() == LeaseElection.Outcome.CONFLICT_RESOLVED) announce(c, obs.lease());
        return new ResilientWire.Ack(obs.outcome().name().toLowerCase(Locale.ROOT));
    }

    // ---- handshake ----

    private static ResilientWire.Config wire(ResilientStore.Config c) {
        return new ResilientWire.Config(c.orgChannelId(), c.orgId(), c.primary(), c.replicas(), c.replicationClass(), c.postingWhilePrimaryDown(),
                c.topic(), c.version(), c.changedBy(), c.term(), c.acks().afterReplicas(), c.acks().timeoutMs(), c.acks().onTimeout());
    }

    private void handshake(ResilientStore.Config c, String replica) {
        String id = c.orgChannelId();
        long expected = orgStore.channel(id).map(OrgStore.OrgChannel::chatId).map(this::estimateBytes).orElse(0L);
        PodResult r = federation.client().send(replica, ResilientWire.OFFER, new ResilientWire.Offer(wire(c), expected));
        Instant now = federation.clock().instant();
        if (!(r instanceof PodResult.Ok ok)) {
            String why = r instanceof PodResult.Failed f ? (f.code() != null ? f.code() : f.kind().name().toLowerCase(Locale.ROOT)) : "?";
            store.recordOffer(new ResilientStore.Offer(id, replica, "failed", why, now));
            log.warn("resilient channel {}: offer to {} failed ({}); the admin may retry with PUT", id, replica, why);
            return;
        }
        ResilientWire.OfferReply reply = ok.json(ResilientWire.OfferReply.class);
        if (!reply.accepted()) {
            store.recordOffer(new ResilientStore.Offer(id, replica, "refused", reply.reason(), now));
            log.warn("resilient channel {}: pod {} refused to replicate it: {}", id, replica, reply.reason());
            return;
        }
        byte[] channelKey = key(id).orElseThrow();
        KeyPair mine = ResilientCrypto.x25519();
        byte[] salt = ResilientCrypto.random(16);
        byte[] kek;
        try {
            kek = ResilientCrypto.wrappingKey(mine.getPrivate(), ResilientCrypto.publicOf(reply.x25519()), salt, id + "\n" + me + "\n" + replica);
        } catch (IllegalArgumentException e) {
            store.recordOffer(new ResilientStore.Offer(id, replica, "failed", "bad_exchange_key", now));
            return;
        }
        byte[] wrapped = ResilientCrypto.seal(kek, channelKey, id);
        PodResult k = federation.client().send(replica, ResilientWire.KEY, new ResilientWire.KeyCall(id,
                ResilientCrypto.publicText(mine.getPublic()), Ed25519.b64(salt), Ed25519.b64(wrapped)));
        boolean done = k instanceof PodResult.Ok;
        store.recordOffer(new ResilientStore.Offer(id, replica, done ? "accepted" : "failed", done ? null : "key_not_taken", now));
        if (done) store.resetCursor(id, replica); // a replica that accepts holds nothing yet (or lost what it held)
        if (done) log.info("resilient channel {}: pod {} accepted to replicate it and holds its key", id, replica);
    }

    private long estimateBytes(UUID chatId) {
        long n = 0;
        for (OrgStore.MessageRow m : orgStore.messages(chatId)) n += 200 + (m.content() == null ? 0 : m.content().length());
        return n;
    }

    private ResilientWire.OfferReply onOffer(String from, ResilientWire.Offer offer) {
        ResilientWire.Config w = offer.config();
        if (w == null || w.orgChannelId() == null || w.primary() == null || w.replicas() == null || w.orgId() == null) {
            throw ParleyException.invalid("config {orgChannelId, orgId, primary, replicas} is required");
        }
        String id = w.orgChannelId();
        Instant now = federation.clock().instant();
        String refusal = null;
        Optional<OrgStore.OrgChannel> ch = orgStore.channel(id);
        List<String> members = orgStore.members(w.orgId());
        if (ch.isEmpty() || !ch.get().orgId().equals(w.orgId())) refusal = "unknown_org_channel";
        else if (!members.contains(me) || !members.contains(from)) refusal = "not_org_member";
        else if (!w.replicas().contains(me)) refusal = "not_designated";
        else if (!from.equals(w.primary()) && !from.equals(w.changedBy())) refusal = "not_primary";
        else if (!CLASS_MESSAGES.equals(w.replicationClass())) refusal = "unsupported_class";
        else if (quota.usage().replicatedBytes() + Math.max(0, offer.expectedBytes()) > quotaSettings.maxReplicatedBytes()) {
            refusal = "quota:replicated_bytes";
            throttled("replica", "replicated_bytes");
        } else if (!quota.addResilientChannel(id)) {
            refusal = "quota:resilient_channels";
            throttled("replica", "resilient_channels");
        }
        if (refusal != null) {
            store.recordOffer(new ResilientStore.Offer(id, from, "refused", refusal, now));
            log.warn("resilient channel {}: refused the offer of pod {}: {} ({})", id, from, refusal, federation.health().health(from));
            return new ResilientWire.OfferReply(false, refusal, null);
        }
        adopt(w);
        KeyPair pair = ResilientCrypto.x25519();
        // Kept in the store, sealed: the primary's key call may reach another node of this pod.
        store.savePendingExchange(id, Ed25519.b64(ResilientCrypto.seal(kek(), pair.getPrivate().getEncoded(), "resilient-exchange\n" + id)), now);
        store.recordOffer(new ResilientStore.Offer(id, from, "accepted", "awaiting key", now));
        log.info("resilient channel {}: accepted to replicate it for pod {}", id, from);
        return new ResilientWire.OfferReply(true, null, ResilientCrypto.publicText(pair.getPublic()));
    }

    private ResilientWire.Ack onKey(String from, ResilientWire.KeyCall call) {
        ResilientStore.Config c = designatedConfig(call.orgChannelId(), from, true);
        Optional<String> pending = store.takePendingExchange(c.orgChannelId());
        if (pending.isEmpty()) throw ParleyException.invalid("no key exchange is pending for this channel; offer it again");
        PrivateKey mine;
        try {
            mine = ResilientCrypto.privateOf(ResilientCrypto.open(kek(), Ed25519.unb64(pending.get()), "resilient-exchange\n" + c.orgChannelId()));
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("the pending key exchange does not open with this pod's key; offer it again");
        }
        byte[] key;
        try {
            byte[] kek = ResilientCrypto.wrappingKey(mine, ResilientCrypto.publicOf(call.x25519()), Ed25519.unb64(call.salt()),
                    c.orgChannelId() + "\n" + from + "\n" + me);
            key = ResilientCrypto.open(kek, Ed25519.unb64(call.wrapped()), c.orgChannelId());
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("the wrapped key does not open");
        }
        if (key.length != 32) throw ParleyException.invalid("the channel key must be 32 bytes");
        saveKey(c.orgChannelId(), key);
        store.recordOffer(new ResilientStore.Offer(c.orgChannelId(), from, "accepted", null, federation.clock().instant()));
        return new ResilientWire.Ack("ok");
    }

    /** Takes a configuration sent by another pod if it is newer (version, then changer). */
    private void adopt(ResilientWire.Config w) {
        Optional<ResilientStore.Config> mine = store.config(w.orgChannelId());
        if (mine.isPresent() && (mine.get().version() > w.version()
                || (mine.get().version() == w.version() && mine.get().changedBy().compareTo(w.changedBy()) >= 0))) return;
        store.saveConfig(new ResilientStore.Config(w.orgChannelId(), w.orgId(), w.primary(), w.replicas(), w.replicationClass(),
                w.postingWhilePrimaryDown(), w.topic(), w.version(), w.changedBy(), w.term(), w.acks(), federation.clock().instant()));
        orgs.adoptTopic(w.orgChannelId(), w.topic());
        if (!w.replicas().contains(me) && !w.primary().equals(me)) forget(w.orgChannelId());
    }

    private ResilientWire.Ack onConfig(String from, ResilientWire.Config w) {
        if (w == null || w.orgChannelId() == null || w.primary() == null || w.replicas() == null || w.changedBy() == null) {
            throw ParleyException.invalid("orgChannelId, primary, replicas and changedBy are required");
        }
        if (!from.equals(w.changedBy())) throw ParleyException.forbidden("a configuration comes from the pod that changed it");
        Optional<ResilientStore.Config> mine = store.config(w.orgChannelId());
        if (mine.isEmpty() && !w.replicas().contains(me) && !w.primary().equals(me)) {
            count("parley_pod_replica_refused", "reason", "not_designated");
            throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not designated for '" + w.orgChannelId() + "'");
        }
        if (mine.isPresent() && !mine.get().involves(from)) throw new ParleyException(ErrorCode.NOT_PRIMARY, "pod '" + from + "' is not in the replica set");
        boolean fromPrimary = from.equals(mine.map(ResilientStore.Config::primary).orElse(w.primary()));
        Optional<Lease> l = leases.current(w.orgChannelId());
        boolean ok = fromPrimary ? (w.term() == 0 && (l.isEmpty() || !live(l.get()) || l.get().holder().equals(from)))
                : w.term() > 0 && leases.accepts(w.orgChannelId(), from, w.term());
        if (!ok) {
            log.warn("resilient channel {}: refused a configuration change from {} at term {} (fenced)", w.orgChannelId(), from, w.term());
            throw new ParleyException(ErrorCode.NOT_PRIMARY, "pod '" + from + "' does not act as primary at term " + w.term());
        }
        adopt(w);
        // A designated replica without the key (it lost its storage) asks to be offered the channel again.
        boolean needsOffer = w.replicas().contains(me) && key(w.orgChannelId()).isEmpty() && !store.hasPendingExchange(w.orgChannelId());
        return new ResilientWire.Ack(needsOffer ? "needs_offer" : "ok");
    }

    /** Sends the configuration to a pod and offers the channel again if it says it lost it. */
    private void sendConfig(ResilientStore.Config c, String pod) {
        PodResult r = federation.client().send(pod, ResilientWire.CONFIG, wire(c));
        if (r instanceof PodResult.Ok ok && "needs_offer".equals(ok.json(ResilientWire.Ack.class).status()) && key(c.orgChannelId()).isPresent()) {
            log.info("resilient channel {}: pod {} lost its replica; offering it again", c.orgChannelId(), pod);
            handshake(c, pod);
        }
    }

    private ResilientWire.Ack onRevoke(String from, ResilientWire.Revoke r) {
        ResilientStore.Config c = designatedConfig(r.orgChannelId(), from, false);
        if (!from.equals(acting(c)) && !from.equals(c.primary())) throw new ParleyException(ErrorCode.NOT_PRIMARY, "only the acting primary turns replication off");
        forget(c.orgChannelId());
        log.info("resilient channel {}: replication turned off by pod {}; the local copy is gone", c.orgChannelId(), from);
        return new ResilientWire.Ack("ok");
    }

    private void forget(String id) {
        store.forget(id);
        keys.remove(id);
        quota.removeResilientChannel(id);
        refreshAcks(store.configs()); // posts waiting for its replicas are acked now
    }

    /**
     * {@return the channel's configuration if this pod is designated for it (a replica, or the primary when
     * {@code replicaOnly} is false) and the sender takes part in it} @throws ParleyException NOT_DESIGNATED otherwise
     */
    private ResilientStore.Config designatedConfig(String id, String from, boolean replicaOnly) {
        if (id == null) throw ParleyException.invalid("orgChannelId is required");
        Optional<ResilientStore.Config> c = store.config(id);
        boolean designated = c.isPresent() && (c.get().replicas().contains(me) || (!replicaOnly && c.get().primary().equals(me)));
        if (!designated || !c.get().involves(from)) {
            count("parley_pod_replica_refused", "reason", "not_designated");
            log.warn("pod {} sent replicated data of {}, which this pod is not designated for; refused", from, id);
            throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not a designated replica of '" + id + "' for pod '" + from + "'");
        }
        return c.get();
    }

    // ---- keys ----

    private byte[] kek() {
        return federation.identity().derivedSecret("resilient-channel-keys");
    }

    private void saveKey(String id, byte[] key) {
        store.saveKey(id, Ed25519.b64(ResilientCrypto.seal(kek(), key, "resilient-key\n" + id)));
        keys.put(id, key);
    }

    private Optional<byte[]> key(String id) {
        byte[] k = keys.get(id);
        if (k != null) return Optional.of(k);
        Optional<String> wrapped = store.wrappedKey(id);
        if (wrapped.isEmpty()) return Optional.empty();
        try {
            k = ResilientCrypto.open(kek(), Ed25519.unb64(wrapped.get()), "resilient-key\n" + id);
        } catch (IllegalArgumentException e) {
            log.error("resilient channel {}: the stored channel key does not open with this pod's key (was the pod key replaced?)", id);
            return Optional.empty();
        }
        keys.put(id, k);
        return Optional.of(k);
    }

    // ---- the replica feed (ResilientFeed sends it) ----

    /**
     * Offers the channel again to replicas whose handshake failed (unreachable) or that answered {@code not_designated}
     * (they lost their copy), once they are usable, at most every {@link #REOFFER}: missing replicas are recreated.
     * Refusals by policy (quota, membership) wait for the admin.
     */
    private void reoffer(ResilientStore.Config c) {
        String id = c.orgChannelId();
        if (key(id).isEmpty()) return;
        for (ResilientStore.Offer o : store.offers(id)) {
            if (!c.replicas().contains(o.pod())) continue;
            boolean retry = "failed".equals(o.status()) || ("refused".equals(o.status()) && "not_designated".equals(o.reason()));
            if (!retry || !federation.health().usable(o.pod())) continue;
            if (federation.clock().instant().isBefore(o.at().plus(REOFFER))) continue;
            log.info("resilient channel {}: offering it again to pod {} (last: {} {})", id, o.pod(), o.status(), o.reason());
            handshake(c, o.pod());
        }
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
        ResilientStore.Config c = designatedConfig(ops.orgChannelId(), from, true);
        if (from.equals(me)) throw ParleyException.invalid("a pod does not feed itself");
        return replicaLog.take(c, from, ops);
    }

    private ResilientWire.PullReply onPull(String from, ResilientWire.Pull p) {
        ResilientStore.Config c = designatedConfig(p.orgChannelId(), from, true);
        ResilientWire.PullReply reply = replicaLog.pull(c, p);
        log.info("resilient channel {}: pod {} pulled {} ops (restore)", c.orgChannelId(), from, reply.ops().size());
        return reply;
    }

    /** {@return what this pod holds of the channel as a replica, opened, with its digest (for admins)} */
    public ReplicaView replica(Principal caller, String id) {
        requireAdmin(caller);
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        if (!c.replicas().contains(me)) throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not a replica of the channel");
        return replicaLog.view(c);
    }

    // ---- reconciliation ----

    private Map<String, String> messageDigests(OrgStore.OrgChannel ch) {
        Map<String, String> out = new java.util.TreeMap<>();
        orgs.replicaOf(ch).messageDigests().forEach((k, v) -> out.put(k.originPod() + "/" + k.messageId(), v));
        return out;
    }

    /**
     * Compares this pod's copy with every other pod of the replica set that maps the channel, message by message
     * ({@code ChannelReplica.messageDigests}); where they differ both sides send each other their own ops again
     * (each resets its outbox cursor for the other; applying is idempotent and commutative, so resending
     * everything is safe and the merge fixes what either lacked).
     */
    public Reconciled reconcile(Principal caller, String id) {
        requireAdmin(caller);
        OrgStore.OrgChannel ch = orgChannel(id);
        if (ch.chatId() == null) throw ParleyException.invalid("the org channel is not mapped on this pod");
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        Map<String, String> mine = messageDigests(ch);
        List<Comparison> out = new ArrayList<>();
        for (Candidate cand : candidates(c)) {
            String pod = cand.pod();
            if (pod.equals(me)) continue;
            // A pod that lost its copy of the configuration (a wiped pod) gets it again from whoever made the last change.
            if (c.changedBy().equals(me)) sendConfig(c, pod);
            PodResult r = federation.client().send(pod, ResilientWire.DIGESTS, new ResilientWire.DigestsCall(id));
            if (!(r instanceof PodResult.Ok ok)) {
                out.add(new Comparison(pod, "failed", 0, 0, 0));
                continue;
            }
            ResilientWire.DigestsReply theirs = ok.json(ResilientWire.DigestsReply.class);
            if (theirs.digest() == null) {
                out.add(new Comparison(pod, "not_mapped", 0, 0, 0));
                continue;
            }
            Map<String, String> other = theirs.messages() == null ? Map.of() : theirs.messages();
            int differing = 0, onlyHere = 0, onlyThere = 0;
            for (var e : mine.entrySet()) {
                String o = other.get(e.getKey());
                if (o == null) onlyHere++;
                else if (!o.equals(e.getValue())) differing++;
            }
            for (String k : other.keySet()) if (!mine.containsKey(k)) onlyThere++;
            if (differing + onlyHere + onlyThere == 0) {
                out.add(new Comparison(pod, "equal", 0, 0, 0));
                continue;
            }
            log.info("resilient channel {}: {} and {} differ on {} messages ({} only here, {} only there); both resend their ops",
                    id, me, pod, differing + onlyHere + onlyThere, onlyHere, onlyThere);
            store.resetOrgCursor(pod, id);
            orgs.wake(pod);
            federation.client().sendAsync(pod, ResilientWire.RESEND, new ResilientWire.Resend(id));
            out.add(new Comparison(pod, "differs", differing, onlyHere, onlyThere));
        }
        return new Reconciled(id, orgs.replicaOf(ch).digest(), out);
    }

    private ResilientWire.DigestsReply onDigests(String from, ResilientWire.DigestsCall call) {
        designatedConfig(call.orgChannelId(), from, false);
        OrgStore.OrgChannel ch = orgChannel(call.orgChannelId());
        if (ch.chatId() == null) return new ResilientWire.DigestsReply(null, Map.of());
        return new ResilientWire.DigestsReply(orgs.replicaOf(ch).digest(), messageDigests(ch));
    }

    private ResilientWire.Ack onResend(String from, ResilientWire.Resend call) {
        designatedConfig(call.orgChannelId(), from, false);
        OrgStore.OrgChannel ch = orgChannel(call.orgChannelId());
        if (ch.chatId() == null) return new ResilientWire.Ack("not_mapped");
        store.resetOrgCursor(from, ch.id());
        orgs.wake(from);
        log.info("resilient channel {}: resending this pod's ops to {} (reconciliation)", ch.id(), from);
        return new ResilientWire.Ack("ok");
    }

    // ---- restore ----

    /**
     * Pulls the channel's log from a replica ({@code from}, or the first of the org's members that answers) and
     * applies it to the local mapped chat through the org inbound path (idempotent; indexed for search as it goes).
     */
    public Restored restore(Principal caller, String id, String from) {
        requireAdmin(caller);
        OrgStore.OrgChannel ch = orgChannel(id);
        if (ch.chatId() == null) throw ParleyException.invalid("map the org channel to a local chat first, then restore it");
        List<String> sources = new ArrayList<>();
        if (from != null) sources.add(from);
        else for (String m : federation.health().ranked(orgStore.members(ch.orgId()))) if (!m.equals(me)) sources.add(m);
        String lastError = "no replica answered";
        for (String source : sources) {
            if (federation.peers().find(source).isEmpty()) continue;
            ResilientStore.Position after = ResilientStore.Position.START;
            int total = 0;
            boolean failed = false;
            while (true) {
                PodResult r = federation.client().send(source, ResilientWire.PULL, new ResilientWire.Pull(id, after, 500));
                if (!(r instanceof PodResult.Ok ok)) {
                    lastError = source + ": " + (r instanceof PodResult.Failed f ? (f.code() != null ? f.code() : f.kind().name()) : "?");
                    failed = true;
                    break;
                }
                ResilientWire.PullReply reply = ok.json(ResilientWire.PullReply.class);
                List<ResilientWire.Op> ops = reply.ops() == null ? List.of() : reply.ops();
                applyRestored(ch, ops);
                total += ops.size();
                if (ops.isEmpty() || !reply.more() || reply.next() == null) break;
                after = reply.next();
            }
            if (failed && total == 0) continue;
            log.info("resilient channel {}: restored {} ops from pod {} (admin {})", id, total, source, caller.userId());
            return new Restored(id, source, total, orgs.digest(caller, id).stateDigest());
        }
        throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "no replica gave the channel's log: " + lastError);
    }

    /**
     * Applies pulled ops in the replica's order (hlc: each origin's ops in its order), each run of one origin as one batch
     * of that origin. A restored op's client id comes from its identity ({@link #restoreSeq}): seqs of different sources'
     * logs may be equal, and the same op restored twice, from any replica, must meet its first copy.
     */
    private void applyRestored(OrgStore.OrgChannel ch, List<ResilientWire.Op> ops) {
        List<OrgWire.Event> run = new ArrayList<>();
        String runOrigin = null;
        for (ResilientWire.Op op : ops) {
            if (op == null || op.event() == null || op.origin() == null) continue;
            if (runOrigin != null && !runOrigin.equals(op.origin())) {
                orgs.applyRestored(runOrigin, ch, run);
                run = new ArrayList<>();
            }
            runOrigin = op.origin();
            OrgWire.Event e = op.event();
            run.add(new OrgWire.Event(restoreSeq(op), e.op(), e.messageId(), e.messagePod(), e.hlc(), e.at(), e.author(), e.content(),
                    e.threadRoot(), e.threadRootPod(), e.emoji(), e.files()));
        }
        if (!run.isEmpty()) orgs.applyRestored(runOrigin, ch, run);
    }

    /**
     * {@return the seq a restored op's client id is made from: {@link #RESTORE_SEQ_BASE} plus 61 bits of a SHA-256 of
     * its identity} Above every live op's seq; two different ops of one author meet with a chance of about 2^-61.
     */
    static long restoreSeq(ResilientWire.Op op) {
        byte[] h = Signing.sha256(("parley-restore\n" + op.identity()).getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
        return RESTORE_SEQ_BASE + (v & ((1L << 61) - 1));
    }

    // ---- routes ----

    private void register(PodRoutes routes) {
        routes.handle(ResilientWire.OFFER, ResilientWire.Offer.class, (from, o) -> PodReply.ok(onOffer(from, o)));
        routes.handle(ResilientWire.KEY, ResilientWire.KeyCall.class, (from, k) -> PodReply.ok(onKey(from, k)));
        routes.handle(ResilientWire.OPS, ResilientWire.Ops.class, (from, o) -> PodReply.ok(onOps(from, o)));
        routes.handle(ResilientWire.CONFIG, ResilientWire.Config.class, (from, c) -> PodReply.ok(onConfig(from, c)));
        routes.handle(ResilientWire.LEASE, ResilientWire.LeaseMsg.class, (from, l) -> PodReply.ok(onLease(from, l)));
        routes.handle(ResilientWire.PULL, ResilientWire.Pull.class, (from, p) -> PodReply.ok(onPull(from, p)));
        routes.handle(ResilientWire.DIGESTS, ResilientWire.DigestsCall.class, (from, c) -> PodReply.ok(onDigests(from, c)));
        routes.handle(ResilientWire.RESEND, ResilientWire.Resend.class, (from, c) -> PodReply.ok(onResend(from, c)));
        routes.handle(ResilientWire.REVOKE, ResilientWire.Revoke.class, (from, r) -> PodReply.ok(onRevoke(from, r)));
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
