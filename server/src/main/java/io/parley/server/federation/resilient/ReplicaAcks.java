package io.parley.server.federation.resilient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.chat.AckGate;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.store.LogResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The acks of posts to resilient channels on their primary (issue 16 §3): with {@code ackAfterReplicas} N, a post is
 * acked once N replica pods hold it sealed, as their answers to the replica feed say.
 *
 * <h2>Algorithm</h2>
 * Per channel this keeps the feed's cursor of each replica (the replica answered that it holds every op of the
 * primary's log up to it) and the posts waiting, by seq. A post is <em>durable</em> when its seq is at most the N-th
 * highest cursor among the designated replicas. {@link #release} acks a durable post at once; otherwise it files the
 * post, wakes the feed of its channel (so it is sent now, not at the next tick) and starts the channel's timeout. Each
 * cursor the feed learns ({@link #held}) acks every post at or below the new durable seq.
 *
 * <h2>Timeouts</h2>
 * A post still waiting after the timeout is, as the channel says:
 * <ul>
 *   <li>{@code refuse}: answered {@code replication_unavailable} (retryable). The post stays committed and delivered on
 *       the primary and is replicated when a replica is back; a retry with the same client id finds the original post
 *       (the log's idempotency) and comes here again, so it gets the original ack once the replicas hold it.</li>
 *   <li>{@code primary_only}: acked by the primary alone, with every post of the channel still waiting, and the channel
 *       is marked <em>degraded</em>, owing the highest seq acked so. While degraded, posts are acked on commit (each
 *       raises what is owed); the mark goes when the durable seq reaches what is owed: the replicas caught up.</li>
 * </ul>
 *
 * <h2>Caveats</h2>
 * The state is in memory, per node: after a restart cursors are read again by the first feed round, and a node of a
 * scaled-out primary pod decides for the posts it acks. One node of such a pod feeds the replicas (the one with the
 * {@link io.parley.server.federation.link.PodDuties}); it learns the cursors from its feed. Every other node reads
 * the stored cursors each tick, for the channels that need them ({@link #wantsCursors}: posts wait there, or it is
 * degraded there), so its acks follow the feed by a tick and the write of the cursor (made off the feed's path); its
 * wake-ups of the feed do nothing, the feeding node goes round every tick anyway. The policies are refreshed from the
 * store every tick, so a change made on another node applies within a tick.
 * Only posts ({@code MessageService.send} and integrations' posts) wait; edits, deletes and reactions are acked on
 * commit.
 */
public final class ReplicaAcks implements AckGate {
    private static final Logger log = LoggerFactory.getLogger(ReplicaAcks.class);
    /** The retry hint of a refusal, in seconds. */
    static final int RETRY_AFTER_SECONDS = 2;

    /** How one channel's posts are acked: on this pod, its primary. */
    record Policy(String orgChannelId, List<String> replicas, ResilientStore.Acks acks) {
        Policy {
            replicas = List.copyOf(replicas);
        }
    }

    /** What the admin API shows of a channel's acks here. */
    record Status(boolean degraded, Instant degradedSince, long owedSeq, long durableSeq, int waiting) {}

    private record Waiter(long seq, LogResult result, CompletableFuture<LogResult> future) {}

    /** One channel's cursors, waiting posts and degraded mark; guarded by itself. */
    private static final class Channel {
        Policy policy;
        final Map<String, Long> cursors = new HashMap<>();
        final TreeMap<Long, List<Waiter>> waiting = new TreeMap<>();
        Instant degradedSince;
        long owed;
        boolean refusing;

        /** {@return the highest seq that N replicas hold, or -1 when fewer than N are known} */
        long durable() {
            int n = policy.acks().afterReplicas();
            if (n <= 0) return Long.MAX_VALUE;
            List<Long> held = new ArrayList<>();
            for (String r : policy.replicas()) held.add(cursors.getOrDefault(r, -1L));
            if (held.size() < n) return -1;
            held.sort(Comparator.reverseOrder());
            return held.get(n - 1);
        }

        /** Removes and {@return every waiting post at or below the seq} */
        List<Waiter> takeUpTo(long seq) {
            List<Waiter> out = new ArrayList<>();
            Iterator<Map.Entry<Long, List<Waiter>>> it = waiting.headMap(seq, true).entrySet().iterator();
            while (it.hasNext()) {
                out.addAll(it.next().getValue());
                it.remove();
            }
            return out;
        }
    }

    /** Starts a feed round of a channel now (its org channel id); the resilient channels set it when they start. */
    private volatile Consumer<String> wakeFeed = orgChannelId -> { };
    private final Clock clock;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    /** The chats whose posts wait, with their channel's policy: all {@link #holds} reads. */
    private volatile Map<UUID, Policy> byChat = Map.of();
    private final Counter replicated, refused, primaryOnly;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-replica-acks").daemon().unstarted(r));

    /**
     * Made before the message service that asks it, so it is one of that service's ports; the resilient channels,
     * made later, tell it how to wake their feed ({@link #wakeFeedWith}).
     */
    public ReplicaAcks(Clock clock, MeterRegistry registry) {
        this.clock = clock;
        String name = "parley_pod_replica_acks";
        String help = "Posts to resilient channels whose ack waited for replica pods, by outcome";
        this.replicated = Counter.builder(name).description(help).tag("outcome", "replicated").register(registry);
        this.refused = Counter.builder(name).description(help).tag("outcome", "refused").register(registry);
        this.primaryOnly = Counter.builder(name).description(help).tag("outcome", "primary_only").register(registry);
        Gauge.builder("parley_pod_resilient_degraded_channels", this, ReplicaAcks::degradedChannels)
                .description("Resilient channels acking posts on the primary alone until their replicas catch up").register(registry);
    }

    /** Sets what starts a feed round of a channel now, by its org channel id. */
    void wakeFeedWith(Consumer<String> wake) {
        this.wakeFeed = java.util.Objects.requireNonNull(wake, "wake");
    }

    // ---- the gate ----

    @Override
    public boolean holds(UUID chatId) {
        return byChat.containsKey(chatId);
    }

    @Override
    public CompletableFuture<LogResult> release(UUID chatId, LogResult committed) {
        Policy p = byChat.get(chatId);
        if (p == null) return CompletableFuture.completedFuture(committed); // the bar was lowered meanwhile
        Channel ch = channel(p);
        Waiter w = new Waiter(committed.seq(), committed, new CompletableFuture<>());
        synchronized (ch) {
            if (ch.durable() >= w.seq()) {
                replicated.increment();
                return CompletableFuture.completedFuture(committed);
            }
            if (ch.degradedSince != null) {
                ch.owed = Math.max(ch.owed, w.seq());
                primaryOnly.increment();
                return CompletableFuture.completedFuture(committed);
            }
            ch.waiting.computeIfAbsent(w.seq(), k -> new ArrayList<>(1)).add(w);
        }
        wakeFeed.accept(p.orgChannelId());
        timer.schedule(() -> timedOut(ch, w), p.acks().timeoutMs(), TimeUnit.MILLISECONDS);
        return w.future();
    }

    private Channel channel(Policy p) {
        Channel ch = channels.computeIfAbsent(p.orgChannelId(), k -> new Channel());
        synchronized (ch) {
            if (ch.policy == null) ch.policy = p;
        }
        return ch;
    }

    private void timedOut(Channel ch, Waiter w) {
        List<Waiter> fallBack;
        Policy p;
        synchronized (ch) {
            List<Waiter> atSeq = ch.waiting.get(w.seq());
            if (atSeq == null || !atSeq.remove(w)) return; // acked meanwhile
            if (atSeq.isEmpty()) ch.waiting.remove(w.seq());
            p = ch.policy;
            if (!p.acks().primaryOnly()) {
                if (!ch.refusing) {
                    ch.refusing = true;
                    log.warn("resilient channel {}: posts are refused (replication_unavailable): fewer than {} replica pods hold them after {} ms"
                            + " (cursors {}); they stay on the primary", p.orgChannelId(), p.acks().afterReplicas(), p.acks().timeoutMs(), ch.cursors);
                }
                fallBack = null;
            } else {
                // Degraded: this post and every one still waiting are acked by the primary alone.
                fallBack = ch.takeUpTo(Long.MAX_VALUE);
                fallBack.add(w);
                for (Waiter x : fallBack) ch.owed = Math.max(ch.owed, x.seq());
                if (ch.degradedSince == null) {
                    ch.degradedSince = clock.instant();
                    log.warn("resilient channel {}: degraded — fewer than {} replica pods hold its posts after {} ms (cursors {});"
                            + " posts are acked by the primary alone until they catch up", p.orgChannelId(), p.acks().afterReplicas(),
                            p.acks().timeoutMs(), ch.cursors);
                }
            }
        }
        if (fallBack == null) {
            refused.increment();
            w.future().completeExceptionally(new ParleyException(ErrorCode.REPLICATION_UNAVAILABLE, "fewer than " + p.acks().afterReplicas()
                    + " replica pods of the channel hold the post after " + p.acks().timeoutMs() + " ms; it is kept on the primary and"
                    + " replicated when they are back: retry with the same id for its ack", RETRY_AFTER_SECONDS, null));
            return;
        }
        for (Waiter x : fallBack) {
            primaryOnly.increment();
            x.future().complete(x.result());
        }
    }

    // ---- what the feed and the configuration tell ----

    /**
     * A replica's feed cursor: {@code exact} (read from the store: the replica may have been reset) or a raise (its
     * answer that it applied ops up to {@code seq}). Acks what became durable; ends a degraded spell that was caught up.
     */
    void held(String orgChannelId, String replica, long seq, boolean exact) {
        Channel ch = channels.get(orgChannelId);
        if (ch == null) return;
        List<Waiter> done;
        synchronized (ch) {
            if (exact) ch.cursors.put(replica, seq);
            else ch.cursors.merge(replica, seq, Math::max);
            long durable = ch.durable();
            done = ch.takeUpTo(durable);
            if (!done.isEmpty() && ch.refusing) {
                ch.refusing = false;
                log.info("resilient channel {}: replica pods hold its posts again; acks resume", orgChannelId);
            }
            if (ch.degradedSince != null && durable >= ch.owed) {
                log.info("resilient channel {}: the replicas caught up (seq {}); degraded since {}, posts wait for {} replica pods again",
                        orgChannelId, durable, ch.degradedSince, ch.policy.acks().afterReplicas());
                ch.degradedSince = null;
            }
        }
        for (Waiter w : done) {
            replicated.increment();
            w.future().complete(w.result());
        }
    }

    /**
     * The channels whose posts this pod acks after replicas (it is their primary), by chat. A channel that leaves acks
     * what waited (the bar was lowered) and forgets its state.
     */
    void policies(Map<UUID, Policy> next) {
        byChat = Map.copyOf(next);
        Map<String, Policy> byChannel = new HashMap<>();
        for (Policy p : next.values()) byChannel.put(p.orgChannelId(), p);
        for (var e : channels.entrySet()) {
            Channel ch = e.getValue();
            Policy p = byChannel.get(e.getKey());
            List<Waiter> done;
            synchronized (ch) {
                if (p != null) {
                    ch.policy = p;
                    done = ch.takeUpTo(ch.durable());
                } else {
                    done = ch.takeUpTo(Long.MAX_VALUE);
                    channels.remove(e.getKey(), ch);
                }
            }
            for (Waiter w : done) w.future().complete(w.result());
        }
        for (Policy p : byChannel.values()) channel(p);
    }

    /**
     * {@return the channels whose cursors this node needs now: posts wait for them, or they are degraded} A node that
     * does not feed reads them from the store for these.
     */
    java.util.Set<String> wantsCursors() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (var e : channels.entrySet()) {
            Channel ch = e.getValue();
            synchronized (ch) {
                if (!ch.waiting.isEmpty() || ch.degradedSince != null) out.add(e.getKey());
            }
        }
        return out;
    }

    /** {@return the channel's ack state here, or null when its posts do not wait for replicas on this pod} */
    Status status(String orgChannelId) {
        Channel ch = channels.get(orgChannelId);
        if (ch == null) return null;
        synchronized (ch) {
            int waiting = 0;
            for (List<Waiter> l : ch.waiting.values()) waiting += l.size();
            long durable = ch.durable();
            return new Status(ch.degradedSince != null, ch.degradedSince, ch.owed, durable == Long.MAX_VALUE ? -1 : durable, waiting);
        }
    }

    private double degradedChannels() {
        int n = 0;
        for (Channel ch : channels.values()) {
            synchronized (ch) {
                if (ch.degradedSince != null) n++;
            }
        }
        return n;
    }

    /** Stops the timeouts; posts still waiting are refused as if they had timed out (the node is going away). */
    void close() {
        timer.shutdownNow();
        for (Channel ch : channels.values()) {
            List<Waiter> left;
            synchronized (ch) {
                left = ch.takeUpTo(Long.MAX_VALUE);
            }
            for (Waiter w : left) {
                w.future().completeExceptionally(new ParleyException(ErrorCode.REPLICATION_UNAVAILABLE,
                        "the server is stopping before the replica pods confirmed the post; retry with the same id", RETRY_AFTER_SECONDS, null));
            }
        }
    }
}
