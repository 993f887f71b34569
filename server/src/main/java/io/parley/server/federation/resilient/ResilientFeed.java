package io.parley.server.federation.resilient;

import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.OrgDirectory;
import io.parley.server.federation.org.OrgOp;
import io.parley.server.federation.org.OrgWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The replica feed of resilient channels: this pod's log of a channel, op by op, sealed with the channel key, to each
 * replica, which keeps it sealed (issue 7 §5; issue 16 §3).
 *
 * <h2>Who feeds</h2>
 * The primary feeds its log always. While the primary is down the acting primary (the lease holder) feeds its own
 * log too, so a replica that returns or joins during a long outage gets the posts made meanwhile without waiting for
 * the primary. A replica files each op under its <em>source</em> (the pod whose log its seq is of) and its op key
 * (the op's identity under the channel key): the same op fed by the primary and by an acting primary is kept once.
 *
 * <h2>Feeders</h2>
 * One feeder per (channel, replica): a loop on a virtual thread that reads the log after the replica's cursor (up to
 * {@link #BATCH} entries and about {@link #BATCH_BYTES} of sealed ops, so the signed request stays under the pods'
 * 1 MiB limit), seals and sends it, and advances the cursor when the replica answers {@code applied}. The timer wakes
 * every feeder each tick, and a post whose ack waits for replicas wakes its channel's at once ({@link #wake}); a wake
 * while the feeder runs makes it go round again, so posts committed during a round go in the next one. A replica
 * that is not usable (HealthScore under the threshold), throttles (its quota) or fails waits: its cursor stays.
 * The primary tells {@link ReplicaAcks} every cursor it reads and every answer it gets, before it stores the advance.
 */
final class ResilientFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResilientFeed.class);
    static final int BATCH = 200;
    /** Sealed bytes of one call at most (base64 grows them by a third): well under the 1 MiB request limit. */
    static final int BATCH_BYTES = 512 * 1024;
    /** How long a replica that answered {@code not_designated} to an acting primary is left alone (it has no key). */
    private static final long NOT_DESIGNATED_BACKOFF_MS = 5_000;

    /**
     * A channel this pod feeds now: its configuration, whether this pod is its primary (else its acting primary), its
     * local chat and the replicas that accepted it (on the primary), read once a tick rather than once a round.
     */
    private record Feeding(ResilientStore.Config config, boolean primary, UUID chatId, Map<String, java.time.Instant> accepted) {}

    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgDirectory orgStore;
    private final Function<String, Optional<byte[]>> keys;
    private final ReplicaAcks acks;
    private final BiConsumer<String, String> throttled;
    private final java.util.function.ObjIntConsumer<String> fed;
    private final Map<String, Feeding> feeding = new ConcurrentHashMap<>();
    private final Map<String, Feeder> feeders = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-replica-feed-", 0).factory());

    /**
     * @param keys the channel key of a channel, if this pod holds it
     * @param throttled counts a throttle: (side, limit)
     * @param fed counts ops a replica applied: (replica, ops)
     */
    ResilientFeed(Federation federation, ResilientStore store, OrgDirectory orgStore, Function<String, Optional<byte[]>> keys, ReplicaAcks acks,
                  BiConsumer<String, String> throttled, java.util.function.ObjIntConsumer<String> fed) {
        this.federation = federation;
        this.me = federation.identity().id();
        this.store = store;
        this.orgStore = orgStore;
        this.keys = keys;
        this.acks = acks;
        this.throttled = throttled;
        this.fed = fed;
    }

    /** This pod feeds the channel now (as its primary, or its acting primary): wakes a feeder per replica. */
    void feed(ResilientStore.Config c, boolean primary) {
        UUID chatId = orgStore.channel(c.orgChannelId()).map(OrgDirectory.OrgChannel::chatId).orElse(null);
        Map<String, java.time.Instant> accepted = new java.util.HashMap<>();
        for (ResilientStore.Offer o : store.offers(c.orgChannelId())) if (ResilientStore.OfferStatus.ACCEPTED.is(o.status())) accepted.put(o.pod(), o.at());
        feeding.put(c.orgChannelId(), new Feeding(c, primary, chatId, accepted));
        wake(c.orgChannelId());
    }

    /** This pod feeds only these channels now: it stopped being the acting primary of the others, or they are gone. */
    void retain(java.util.Set<String> orgChannelIds) {
        feeding.keySet().retainAll(orgChannelIds);
    }

    /** Starts a round of every replica's feeder of the channel now. */
    void wake(String orgChannelId) {
        Feeding f = feeding.get(orgChannelId);
        if (f == null) return;
        for (String replica : f.config().replicas()) {
            if (replica.equals(me) || replica.equals(f.config().primary())) continue;
            feeders.computeIfAbsent(orgChannelId + "\n" + replica, k -> new Feeder(orgChannelId, replica)).wake();
        }
    }

    /** One replica's feed of one channel: at most one round at a time. */
    private final class Feeder {
        final String channel;
        final String replica;
        final AtomicBoolean running = new AtomicBoolean();
        volatile boolean again;
        volatile long notBefore;
        /**
         * How far the replica answered that it holds the log, known here before the store has it (the cursor is stored
         * off the feed's path, so the next round need not wait for that write); valid for one acceptance of the
         * channel by the replica: a new handshake starts the replica over from what the store says (0).
         */
        volatile long applied = -1;
        java.time.Instant appliedFor;
        final java.util.concurrent.atomic.AtomicLong toStore = new java.util.concurrent.atomic.AtomicLong(-1);
        volatile long storedUpTo = -1;
        final AtomicBoolean storing = new AtomicBoolean();

        Feeder(String channel, String replica) {
            this.channel = channel;
            this.replica = replica;
        }

        void wake() {
            again = true;
            if (running.compareAndSet(false, true)) executor.execute(this::run);
        }

        private void run() {
            try {
                while (again) {
                    again = false;
                    if (round()) again = true; // a full batch: there is more
                }
            } catch (RuntimeException e) {
                log.warn("resilient channel {}: feeding {} failed; the next tick retries", channel, replica, e);
            } finally {
                running.set(false);
            }
            if (again && running.compareAndSet(false, true)) executor.execute(this::run); // woken as it stopped
        }

        /** Sends one batch. {@return whether it was full (more may wait)} */
        private boolean round() {
            Feeding f = feeding.get(channel);
            if (f == null || System.currentTimeMillis() < notBefore) return false;
            ResilientStore.Config c = f.config();
            if (f.primary() && !f.accepted().containsKey(replica)) return false;
            // A replica whose HealthScore is below the threshold is not fed (its cursor waits; it catches up later).
            if (!federation.health().usable(replica)) {
                log.debug("resilient channel {}: replica {} is not usable now ({}); its feed waits", channel, replica, federation.health().health(replica));
                return false;
            }
            Optional<byte[]> key = keys.apply(channel);
            if (f.chatId() == null || key.isEmpty()) return false;
            java.time.Instant acceptedAt = f.accepted().get(replica);
            if (!java.util.Objects.equals(acceptedAt, appliedFor)) { // accepted anew: the store says where it starts
                applied = -1;
                toStore.set(-1);
                storedUpTo = -1;
            }
            appliedFor = acceptedAt;
            long stored = store.cursor(channel, replica);
            long cursor = Math.max(stored, applied);
            if (f.primary()) acks.held(channel, replica, cursor, true);
            List<ResilientStore.FeedEntry> entries = store.feed(f.chatId(), cursor, BATCH);
            if (entries.isEmpty()) return false;
            List<ResilientWire.Sealed> sealed = new ArrayList<>();
            long upTo = cursor;
            long bytes = 0;
            for (ResilientStore.FeedEntry e : entries) {
                if (bytes >= BATCH_BYTES) break;
                upTo = e.seq();
                ResilientWire.Op op = op(e);
                if (op == null) continue;
                String s = Ed25519.b64(ResilientCrypto.seal(key.get(), PodClient.json(op), ResilientChannels.aad(channel, me, c.primary(), e.seq())));
                bytes += s.length();
                sealed.add(new ResilientWire.Sealed(e.seq(), e.hlc(), s));
            }
            boolean full = entries.size() == BATCH || upTo != entries.getLast().seq();
            if (sealed.isEmpty()) { // derived entries only
                advance(f, upTo);
                return full;
            }
            PodResult r = federation.client().send(replica, ResilientWire.OPS, new ResilientWire.Ops(channel, sealed));
            if (r instanceof PodResult.Ok ok) {
                ResilientWire.OpsReply reply = ok.json(ResilientWire.OpsReply.class);
                if (ResilientWire.OpsStatus.APPLIED.is(reply.status())) {
                    fed.accept(replica, sealed.size());
                    advance(f, upTo);
                    return full;
                }
                throttled.accept("primary", reply.limitedBy() == null ? "unknown" : reply.limitedBy());
                long wait = Math.max(100, reply.retryAfterMs());
                notBefore = System.currentTimeMillis() + wait;
                log.warn("resilient channel {}: replication to {} throttled by its quota {}; {} ops wait in the outbox, retry in {} ms",
                        channel, replica, reply.limitedBy(), sealed.size(), wait);
            } else if (r instanceof PodResult.Failed failed) {
                boolean notDesignated = "not_designated".equals(failed.code());
                notBefore = System.currentTimeMillis() + (notDesignated && !f.primary() ? NOT_DESIGNATED_BACKOFF_MS : 1000);
                if (notDesignated && f.primary()) {
                    store.recordOffer(new ResilientStore.Offer(channel, replica, ResilientStore.OfferStatus.REFUSED.wire(), "not_designated", federation.clock().instant()));
                    log.warn("resilient channel {}: pod {} no longer holds it (not_designated); offer it again with PUT", channel, replica);
                } else if (notDesignated) {
                    log.info("resilient channel {}: replica {} does not take this acting primary's feed yet (it holds no key)", channel, replica);
                }
            }
            return false;
        }

        /**
         * The replica holds the log up to {@code upTo}: acks learn it first (it is true already), the next round starts
         * from it, and the cursor is stored on another thread (monotone, the latest value wins; a cursor stored late
         * makes a restarted feed send a few ops again, which the replica keeps once).
         */
        private void advance(Feeding f, long upTo) {
            if (f.primary()) acks.held(channel, replica, upTo, false);
            applied = upTo;
            toStore.accumulateAndGet(upTo, Math::max);
            if (storing.compareAndSet(false, true)) executor.execute(this::storeCursor);
        }

        private void storeCursor() {
            boolean failed = false;
            try {
                for (long next; (next = toStore.get()) > storedUpTo; storedUpTo = next) store.advance(channel, replica, next);
            } catch (RuntimeException e) {
                failed = true; // the next applied batch tries again
                log.warn("resilient channel {}: storing the feed's cursor for {} failed; the next batch stores it", channel, replica, e);
            } finally {
                storing.set(false);
            }
            if (!failed && toStore.get() > storedUpTo && storing.compareAndSet(false, true)) executor.execute(this::storeCursor); // raised as it stopped
        }
    }

    /** {@return the log entry as a replicated op, with its author's home identity; null for derived entries} */
    private ResilientWire.Op op(ResilientStore.FeedEntry e) {
        OrgOp op = OrgOp.fromLog(e.type(), e.deleted()).orElse(null);
        if (op == null) return null;
        String origin = e.actorRemotePod() != null ? e.actorRemotePod() : me;
        UUID authorId = e.actorRemoteId() != null ? e.actorRemoteId() : e.actorId();
        String handle = e.actorHandle() == null ? "integration" : e.actorHandle();
        if (e.actorRemotePod() != null && handle.endsWith("@" + e.actorRemotePod())) {
            handle = handle.substring(0, handle.length() - e.actorRemotePod().length() - 1);
        }
        String name = e.actorName() == null ? handle : e.actorName();
        boolean text = op.carriesText();
        return new ResilientWire.Op(e.seq(), origin, new OrgWire.Event(e.seq(), op.wire(), e.messageId(), e.originPod(), e.hlc(), e.at().toEpochMilli(),
                new OrgWire.Author(authorId, handle, name), text ? (e.deleted() || e.content() == null ? "" : e.content()) : null,
                e.threadRootId(), e.threadRootId() == null ? null : e.threadRootPod(), e.emoji(), null));
    }

    /**
     * {@return the cursors of this pod's feeds of the channel, by replica (for the admin view)}: what a replica answered
     * it holds, as the feed knows it — the stored cursor trails it by the write made off the feed's path.
     */
    Map<String, Long> cursors(ResilientStore.Config c) {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Long> stored = store.cursors(c.orgChannelId());
        for (String r : c.replicas()) {
            if (r.equals(me)) continue;
            Feeder f = feeders.get(c.orgChannelId() + "\n" + r);
            out.put(r, Math.max(stored.getOrDefault(r, 0L), f == null ? 0L : f.applied));
        }
        return out;
    }

    /** {@return whether this pod feeds the channel now} */
    boolean feeds(String orgChannelId) {
        return feeding.containsKey(orgChannelId);
    }

    @Override
    public void close() {
        feeding.clear();
        executor.shutdownNow();
    }
}
