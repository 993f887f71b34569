package io.parley.server.federation.resilient;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.Candidate;
import io.parley.core.pod.Eligibility;
import io.parley.core.pod.Lease;
import io.parley.core.pod.LeaseElection;
import io.parley.core.pod.LeaseSettings;
import io.parley.core.pod.PeerState;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who acts as primary of a resilient channel (issue 7 §5): the primary by right; while it is DEAD, the replica that
 * holds the lease of the domain's {@link LeaseElection} (primary ranked first, then pod id; only usable, clock-trusted
 * pods). Each tick a replica runs the election for the channels whose primary is down, the holder renews its lease
 * at half its life and announces it to the other candidates (at least every quarter lease), and when the primary is
 * back the holder hands it back, sending the primary the configuration changes it made meanwhile first.
 *
 * <p>Fencing: a configuration change carries the term it was made at; {@link #mayChange} accepts one from the primary
 * only while no other pod holds a live lease, and one from another pod only at the term it holds. A pod whose own
 * clock is the odd one out ({@link #selfSkewed}) takes no lease; it only observes.
 */
final class ActingPrimary {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final ResilientContext ctx;
    private final Federation federation;
    private final String me;
    private final ReplicaConfigs store;
    private final LeaseElection leases;
    private final LeaseSettings leaseSettings;
    private final Map<String, Long> lastAnnounce = new ConcurrentHashMap<>();

    ActingPrimary(ResilientContext ctx) {
        this.ctx = ctx;
        this.federation = ctx.federation();
        this.me = ctx.me();
        this.store = ctx.store();
        PodSettings s = federation.settings();
        this.leaseSettings = new LeaseSettings(s.leaseDuration(), s.maxClockSkew());
        this.leases = new LeaseElection(me, leaseSettings, Eligibility.fromHealth(federation.health(), me, s.maxClockSkew()), federation.clock());
    }

    /** {@return the lease of the channel as this pod knows it} */
    Optional<Lease> current(String id) {
        return leases.current(id);
    }

    /** {@return whether this pod holds the channel's lease} */
    boolean isHolder(String id) {
        return leases.isHolder(id);
    }

    /**
     * {@return whether a configuration change from {@code from} at {@code term} is accepted} From the primary (term 0)
     * while no other pod holds a live lease; from another pod only at the term it holds.
     */
    boolean mayChange(String id, String from, boolean fromPrimary, long term) {
        Optional<Lease> l = leases.current(id);
        return fromPrimary ? (term == 0 && (l.isEmpty() || !live(l.get()) || l.get().holder().equals(from)))
                : term > 0 && leases.accepts(id, from, term);
    }

    boolean live(Lease l) {
        return federation.clock().instant().isBefore(l.expiresAt());
    }

    /** {@return the pod that acts as primary now, as this pod sees it} */
    String actingPod(ResilientStore.Config c) {
        Optional<Lease> l = leases.current(c.orgChannelId());
        if (l.isPresent() && live(l.get())) return l.get().holder();
        return c.primary();
    }

    /** @throws ParleyException NOT_PRIMARY naming who acts, unless this pod may change the channel now */
    void requireActing(String id, String primary) {
        Optional<Lease> l = leases.current(id);
        boolean otherHolds = l.isPresent() && live(l.get()) && !l.get().holder().equals(me);
        if (primary.equals(me) && !otherHolds) return;
        if (!primary.equals(me) && leases.isHolder(id)) return;
        String who = l.isPresent() && live(l.get()) ? l.get().holder() : primary;
        throw new ParleyException(ErrorCode.NOT_PRIMARY, "changes of this channel are made on its " + (who.equals(primary) ? "primary" : "acting primary")
                + " pod '" + who + "'");
    }

    static List<Candidate> candidates(ResilientStore.Config c) {
        List<Candidate> out = new ArrayList<>();
        out.add(new Candidate(c.primary(), 1));
        for (String r : c.replicas()) out.add(new Candidate(r, 0));
        return out;
    }

    /**
     * Runs the channel's election as this pod sees it. {@code speaks}: whether this node does the pod's duties; the
     * others of a scaled-out pod keep their view of the lease (for {@link #requireActing}) but neither announce it nor
     * hand it back, so the other pods hear one node.
     */
    void elect(ResilientStore.Config c, boolean speaks) {
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
        if (speaks && holder && !l.holder().equals(me)) {
            // Handing back: the primary may have missed the changes made meanwhile; it gets them before the new lease.
            ResilientStore.Config mine = store.config(id).orElse(c);
            if (mine.changedBy().equals(me)) federation.client().send(c.primary(), ResilientWire.CONFIG, ResilientContext.wire(mine));
        }
        if (changed) log.info("resilient channel {}: lease term {} held by {} (primary {} is {})", id, l.term(), l.holder(), c.primary(),
                primaryDead ? "down" : "back");
        long last = lastAnnounce.getOrDefault(id, 0L);
        if (!speaks) return;
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

    ResilientWire.Ack onLease(String from, ResilientWire.LeaseMsg m) {
        ResilientStore.Config c = ctx.designatedConfig(m.orgChannelId(), from, false);
        if (m.holder() == null || m.term() < 1) throw ParleyException.invalid("holder and term are required");
        if (!c.involves(m.holder())) throw ParleyException.invalid("the holder is not a candidate of the channel");
        var obs = leases.observe(new Lease(m.orgChannelId(), m.holder(), m.term(), Instant.ofEpochMilli(m.expiresAt())), candidates(c));
        if (obs.outcome() == LeaseElection.Outcome.CONFLICT_RESOLVED) announce(c, obs.lease());
        return new ResilientWire.Ack(obs.outcome().name().toLowerCase(Locale.ROOT));
    }
}
