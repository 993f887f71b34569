package io.parley.server.federation.org;

import io.parley.core.auth.User;
import io.parley.core.pod.HealthManager;
import io.parley.core.pod.PeerState;
import io.parley.core.store.UserStore;
import io.parley.server.federation.link.Peer;
import io.parley.server.federation.link.PeerDirectory;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outbox of org-shared channels: for each peer, a lane that sends it every org channel's local ops in log order.
 *
 * <h2>The log is the queue</h2>
 * Nothing is copied into an outbox table: a cursor per (peer, org channel) says up to which local seq the peer has
 * been sent the chat's log. A lane reads the log after the cursor (up to {@link #BATCH} entries), keeps the ops this
 * pod originated (those of local users; ops of remote users' shadows came from elsewhere and their origin sends
 * them), sends them as one signed batch and advances the cursor only when the peer answered that it applied them.
 * Up to {@link #IN_FLIGHT} batches of a channel are on their way at once, so a backlog replays at the pace of the
 * slower side rather than of the round trip plus both sides' work. Each batch names the origin seq its predecessor
 * ended with, and the peer applies it only after that one ({@link OrgInbound}): however the requests overtake each
 * other, the peer's log holds this pod's ops in this pod's order.
 * A restart, a crash or a long outage therefore loses nothing: the lane resumes from the cursor and the backlog
 * replays in order from the durable log.
 *
 * <h2>Paths</h2>
 * If HealthManager finds the peer usable, the batch goes direct; if that fails, or the peer is not usable, through
 * the healthiest usable relay: another member of the org linked to this pod, which passes the origin-signed envelope
 * on unchanged. A peer that is not usable is still tried direct as the last resort. The path of the last success is
 * kept per peer, with counts per path.
 *
 * <h2>Failures</h2>
 * A failed batch stops the lane and backs off exponentially with jitter (from {@link #BASE_BACKOFF}, capped at
 * {@link #MAX_BACKOFF}); the peer is "behind" while its cursor trails the log. The backoff resets when the peer's
 * heartbeats bring it back ALIVE. A lane is woken by committed events of org chats, by a peer mapping a channel,
 * and by the periodic sweep; posting never waits on it.
 *
 * <p>Threads: each lane runs on a virtual thread, at most one per peer at a time; each batch in flight is sent from
 * a virtual thread of its own.
 */
final class OrgDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrgDelivery.class);
    static final int BATCH = 1000;
    /** Batches of one channel on their way to a peer at once (see {@link #drain(Lane, OrgStore.OrgChannel, List)}). */
    static final int IN_FLIGHT = 2;
    /** Content bytes of one batch at most, so the signed, base64'd envelope stays well under the 1 MiB request limit. */
    static final int BATCH_CONTENT_BYTES = 384 * 1024;
    /** What one op costs in the batch besides its content (ids, author, stamps), roughly. */
    private static final int OP_OVERHEAD_BYTES = 320;
    static final Duration BASE_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration RELAY_DEADLINE = Duration.ofSeconds(15);

    /** One peer's delivery state, for the admin API and the unreachable indicator. */
    record LaneView(String peer, int failures, boolean backingOff, String lastPath, String lastError, Instant lastSuccess,
                    Map<String, Long> pathSuccesses, Set<String> notMapped) {}

    private final String me;
    private final OrgStore store;
    private final PeerDirectory peers;
    private final PodClient client;
    private final HealthManager health;
    private final UserStore users;
    private final OrgInbound inbound;
    private final Clock clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AutoCloseable listener;
    private volatile boolean closed;
    /** False on a node that stands by (another node of the pod holds the {@link io.parley.server.federation.link.PodDuties}): no lane runs. */
    private volatile boolean active = true;

    OrgDelivery(String me, OrgStore store, PeerDirectory peers, PodClient client, HealthManager health, UserStore users,
                OrgInbound inbound, Clock clock) {
        this.me = me;
        this.store = store;
        this.peers = peers;
        this.client = client;
        this.health = health;
        this.users = users;
        this.inbound = inbound;
        this.clock = clock;
        this.listener = health.addListener((peer, from, to) -> {
            if (to == PeerState.ALIVE) {
                Lane lane = lanes.get(peer);
                if (lane != null) lane.reset();
                wake(peer);
            }
        });
    }

    /** One peer's lane. Its fields are written by its one running task, read by anyone. */
    private final class Lane {
        final String peer;
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean again = new AtomicBoolean();
        volatile int failures;
        volatile long notBefore;
        volatile String lastPath;
        volatile String lastError;
        volatile Instant lastSuccess;
        final Map<String, Long> pathSuccesses = new ConcurrentHashMap<>();
        final Set<String> notMapped = ConcurrentHashMap.newKeySet();
        /** Channels the peer is known (and noted in the store) to map. */
        final Set<String> mapped = ConcurrentHashMap.newKeySet();

        Lane(String peer) { this.peer = peer; }

        void reset() {
            failures = 0;
            notBefore = 0;
        }

        synchronized void failed(String why) {
            failures = Math.min(failures + 1, 1_000);
            long base = Math.min(MAX_BACKOFF.toMillis(), BASE_BACKOFF.toMillis() << Math.min(failures - 1, 16));
            long delay = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5));
            notBefore = System.currentTimeMillis() + delay;
            lastError = why;
            if (failures == 1 || failures % 10 == 0) {
                log.warn("org delivery to pod {} failed ({}); {} failures in a row, next try in {} ms; it is behind until it answers",
                        peer, why, failures, delay);
            }
        }

        synchronized void succeeded(String path) {
            if (failures > 0) log.info("org delivery to pod {} works again (via {}) after {} failures", peer, path, failures);
            failures = 0;
            notBefore = 0;
            lastPath = path;
            lastError = null;
            lastSuccess = clock.instant();
            pathSuccesses.merge(path, 1L, Long::sum);
        }
    }

    /** Runs the lanes (this node holds the pod's duties) or stops them after their current batch. */
    void active(boolean on) {
        active = on;
        if (on) wakeAll();
    }

    /** Wakes a peer's lane unless it is backing off. */
    void wake(String peer) {
        if (closed || !active || peer.equals(me)) return;
        Lane lane = lanes.computeIfAbsent(peer, Lane::new);
        if (System.currentTimeMillis() < lane.notBefore) return;
        lane.again.set(true);
        if (lane.running.compareAndSet(false, true)) {
            try {
                executor.execute(() -> run(lane));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                lane.running.set(false);
            }
        }
    }

    private final AtomicBoolean wakeAllPending = new AtomicBoolean();

    /**
     * Wakes every lane soon, off the caller's thread, coalescing: while one wake-all is pending, more calls add
     * nothing. No wake is lost: the pending flag is cleared before the task reads the members and wakes the lanes,
     * so an event after that schedules another, and a lane woken while running drains again. For the bus, where a
     * replayed batch commits hundreds of events in a burst: one wake-all (two reads) for the burst, not per event.
     */
    void wakeAllSoon() {
        if (closed || !wakeAllPending.compareAndSet(false, true)) return;
        try {
            executor.execute(() -> {
                wakeAllPending.set(false);
                try {
                    wakeAll();
                } catch (RuntimeException e) {
                    log.warn("waking the org delivery lanes failed; the sweep wakes them later", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            wakeAllPending.set(false);
        }
    }

    /** Wakes every lane of every org member (the sweep, or an event in an org chat). */
    void wakeAll() {
        Set<String> all = new HashSet<>();
        for (OrgStore.Org o : store.orgs()) all.addAll(store.members(o.id()));
        for (String p : all) wake(p);
    }

    private void run(Lane lane) {
        try {
            while (lane.again.getAndSet(false) && !closed && active) {
                if (!drain(lane)) break;
            }
        } catch (RuntimeException e) {
            lane.failed(e.getClass().getSimpleName());
            log.warn("org delivery lane of pod {} failed", lane.peer, e);
        } finally {
            lane.running.set(false);
            if (lane.again.get() && System.currentTimeMillis() >= lane.notBefore && !closed) wake(lane.peer);
        }
    }

    /**
     * One batch of a channel's log on its way: the seq the cursor moves to once it is answered, the origin seqs its
     * predecessor and its last op have (0 and 0 for a stretch with nothing to send), and the answer.
     */
    private record Step(long upTo, boolean sent, long prev, long last, CompletableFuture<Optional<OrgWire.BatchReply>> reply) {}

    /** The answer standing for a batch with nothing to send (only ops that came from other pods). */
    private static final Optional<OrgWire.BatchReply> NOTHING_TO_SEND = Optional.of(OrgWire.BatchReply.applied(0, 0, 0));

    /** Sends the peer everything it has not been sent; {@return false if a failure stopped it} */
    private boolean drain(Lane lane) {
        Map<String, List<String>> members = new HashMap<>();
        for (OrgStore.OrgChannel ch : store.channels()) {
            if (ch.chatId() == null) continue;
            List<String> m = members.computeIfAbsent(ch.orgId(), store::members);
            if (!m.contains(lane.peer) || !m.contains(me)) continue;
            if (!drain(lane, ch, m)) return false;
        }
        return true;
    }

    /**
     * Sends one channel's log after the peer's cursor, {@link #IN_FLIGHT} batches at a time: the next batch is read,
     * sealed and sent while the peer applies the one before. Each batch names the last origin seq of the one before it
     * ({@link OrgWire.Batch#prev}), and the peer applies it only after that one, whichever request arrives first. The
     * cursor moves only over answered batches, in order: if one fails, the batches behind it are waited for and then
     * sent again from the cursor (the peer takes them as duplicates).
     * {@return false if a failure stopped the lane}
     */
    private boolean drain(Lane lane, OrgStore.OrgChannel ch, List<String> members) {
        ArrayDeque<Step> flight = new java.util.ArrayDeque<>();
        long readAfter = store.cursor(lane.peer, ch.id());
        long prev = store.sent(lane.peer, ch.id()); // the peer applied through it: the first batch's predecessor
        boolean more = true;
        boolean firstAnswer = true;
        try {
            while (true) {
                while (more && flight.size() < IN_FLIGHT) {
                    OrgStore.LogPage page = store.logAfter(ch.chatId(), readAfter, BATCH);
                    List<OrgStore.LogEntry> read = page.entries();
                    if (read.isEmpty()) {
                        more = false;
                        // only other pods' users' ops: nothing to send, but the cursor moves over them
                        if (page.scannedTo() > readAfter) flight.add(new Step(readAfter = page.scannedTo(), false, 0, 0, CompletableFuture.completedFuture(NOTHING_TO_SEND)));
                        break;
                    }
                    List<OrgStore.LogEntry> entries = bounded(read);
                    readAfter = entries.size() < read.size() ? entries.getLast().seq() : page.scannedTo();
                    more = read.size() == BATCH || entries.size() < read.size();
                    List<OrgWire.Event> events = events(entries);
                    if (events.isEmpty()) {
                        flight.add(new Step(readAfter, false, 0, 0, CompletableFuture.completedFuture(NOTHING_TO_SEND)));
                    } else {
                        OrgWire.Batch batch = new OrgWire.Batch(ch.orgId(), ch.id(), me, lane.peer, events, prev);
                        long last = events.getLast().seq();
                        flight.add(new Step(readAfter, true, prev, last, CompletableFuture.supplyAsync(() -> deliver(lane, ch.orgId(), members, batch), executor)));
                        prev = last;
                    }
                }
                Step step = flight.poll();
                if (step == null) return true;
                Optional<OrgWire.BatchReply> reply = step.reply().join();
                if (reply.isEmpty()) return false;
                if (step.sent()) {
                    if (reply.get().outOfOrder()) return overtaken(lane, ch, step, reply.get(), firstAnswer);
                    firstAnswer = false;
                    if (!reply.get().wasApplied()) {
                        lane.notMapped.add(ch.id());
                        return true; // the peer has not mapped it yet: keep the cursor, go on with the other channels
                    }
                    lane.notMapped.remove(ch.id());
                    if (lane.mapped.add(ch.id())) store.markMapped(lane.peer, ch.id(), clock.instant()); // its files may be served to it
                }
                store.advance(lane.peer, ch.id(), step.upTo(), step.last(), clock.instant());
            }
        } finally {
            for (Step left : flight) { // after a failure or a refusal: let them finish, their answers no longer count
                try {
                    left.reply().join();
                } catch (RuntimeException ignored) {
                    // already counted by deliver, or the lane is closing
                }
            }
        }
    }

    /**
     * The peer refused a batch because the one before it is not applied there. If an earlier batch of this pass was
     * answered first, the refused one merely overtook it on the way (and waited out the peer's hold): send again from
     * the cursor, at once. If it was the pass's first, its predecessor was answered applied before it was sent, so the
     * peer has lost what it applied (restored from an older copy, or its marks began after this pod's cursor): go back
     * to what it says it holds and send from there (it takes what it had as duplicates).
     * {@return false if the lane stops (backs off)}
     */
    private boolean overtaken(Lane lane, OrgStore.OrgChannel ch, Step step, OrgWire.BatchReply reply, boolean first) {
        if (!first) {
            lane.again.set(true);
            return true;
        }
        Long has = reply.appliedThrough();
        if (has == null || has < 0 || has >= step.prev()) { // it names nothing to go back to: do not loop on it
            lane.failed("out_of_order");
            return false;
        }
        log.info("pod {} has applied org channel {} from this pod through seq {} only, not {}: sending it again from there",
                lane.peer, ch.id(), has, step.prev());
        store.rewind(lane.peer, ch.id(), has, clock.instant());
        lane.again.set(true);
        return true;
    }

    /** {@return the first entries whose content fits {@link #BATCH_CONTENT_BYTES} (at least one): the rest go in the next batch} */
    static List<OrgStore.LogEntry> bounded(List<OrgStore.LogEntry> entries) {
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            OrgStore.LogEntry e = entries.get(i);
            bytes += OP_OVERHEAD_BYTES + (e.content() == null ? 0 : 3L * e.content().length()); // UTF-8: at most 3 bytes a char
            if (bytes > BATCH_CONTENT_BYTES && i > 0) return entries.subList(0, i);
        }
        return entries;
    }

    /** {@return the ops of these log entries that this pod originated, as they travel} */
    private List<OrgWire.Event> events(List<OrgStore.LogEntry> entries) {
        Set<UUID> actorIds = new HashSet<>();
        for (OrgStore.LogEntry e : entries) actorIds.add(e.actorId()); // local users only: the query leaves remote users' ops out
        Map<UUID, User> byId = new HashMap<>();
        for (User u : users.byIds(actorIds)) byId.put(u.id(), u);
        Map<UUID, List<OrgWire.FileMeta>> files = files(entries);
        List<OrgWire.Event> out = new ArrayList<>();
        for (OrgStore.LogEntry e : entries) {
            OrgOp op = OrgOp.fromLog(e.type(), e.deleted()).orElse(null);
            if (op == null) continue; // derived on every pod, or an edit the delete that follows says all of
            if (op == OrgOp.POST && !me.equals(e.originPod())) continue; // never re-originate another pod's message
            User u = byId.get(e.actorId());
            OrgWire.Author author = u != null ? new OrgWire.Author(u.id(), u.handle(), u.displayName())
                    : new OrgWire.Author(e.actorId(), "integration", "Integration");
            boolean text = op.carriesText();
            out.add(new OrgWire.Event(e.seq(), op.wire(), e.messageId(), e.originPod(), e.hlc(), e.at().toEpochMilli(), author,
                    text ? (e.deleted() ? "" : e.content()) : null, e.threadRootId(), e.threadRootId() == null ? null : e.threadRootPod(),
                    e.emoji(), op == OrgOp.POST ? files.get(e.messageId()) : null));
        }
        return out;
    }

    /** {@return the metadata of the local files of the posts among these entries, by message} (the bytes stay here) */
    private Map<UUID, List<OrgWire.FileMeta>> files(List<OrgStore.LogEntry> entries) {
        Map<UUID, UUID> messageOf = new HashMap<>();
        for (OrgStore.LogEntry e : entries) {
            if (!"MESSAGE_POSTED".equals(e.type()) || e.deleted() || e.attachmentsJson() == null
                    || e.attachmentsJson().length() <= 2) continue;
            try {
                for (var a : io.parley.server.http.Json.MAPPER.readTree(e.attachmentsJson())) {
                    if (a.hasNonNull("id")) messageOf.put(UUID.fromString(a.get("id").asText()), e.messageId());
                }
            } catch (java.io.IOException | IllegalArgumentException ex) {
                log.warn("message {} has unreadable attachments; it is sent without them", e.messageId());
            }
        }
        if (messageOf.isEmpty()) return Map.of();
        Map<UUID, List<OrgWire.FileMeta>> out = new HashMap<>();
        for (io.parley.core.files.FileInfo f : store.files(messageOf.keySet())) {
            if (f.remote() || f.deleted()) continue;
            out.computeIfAbsent(messageOf.get(f.id()), k -> new ArrayList<>()).add(new OrgWire.FileMeta(f.id(), f.name(), f.contentType(),
                    f.size(), f.sha256(), f.thumbSha256(), f.width(), f.height()));
        }
        return out;
    }

    /** Sends one batch by the best path that works; {@return the peer's answer, or empty after a failure (backed off)} */
    private Optional<OrgWire.BatchReply> deliver(Lane lane, String orgId, List<String> members, OrgWire.Batch batch) {
        OrgWire.Delivery delivery = new OrgWire.Delivery(orgId, inbound.seal(batch));
        boolean directFirst = health.usable(lane.peer);
        String why = null;
        if (directFirst) {
            PodResult r = client.send(lane.peer, OrgWire.EVENTS, delivery);
            if (r instanceof PodResult.Ok ok) return answered(lane, "direct", ok.json(OrgWire.BatchReply.class));
            why = reason(r);
            if (r instanceof PodResult.Failed f && f.status() >= 400 && f.status() < 500 && !"unknown_pod".equals(f.code())) {
                lane.failed("direct: " + why); // the peer refused the batch itself: another path will not change its mind
                return Optional.empty();
            }
        }
        List<String> relays = new ArrayList<>();
        for (String r : health.ranked(members)) {
            if (!r.equals(me) && !r.equals(lane.peer) && health.usable(r) && peers.find(r).isPresent()) relays.add(r);
        }
        byte[] call = PodClient.json(new OrgWire.RelayCall(orgId, lane.peer, delivery.envelope()));
        for (String relay : relays) {
            Peer p = peers.find(relay).orElse(null);
            if (p == null) continue;
            PodResult r = client.sendAsync(p.address(), OrgWire.RELAY, call, RELAY_DEADLINE, new PodClient.Report(relay, "relay")).join();
            if (r instanceof PodResult.Ok ok) {
                OrgWire.RelayAnswer a = ok.json(OrgWire.RelayAnswer.class);
                if (a.delivered() && a.reply() != null) return answered(lane, "relay:" + relay, a.reply());
                why = "relay " + relay + ": " + a.reason();
            } else {
                why = "relay " + relay + ": " + reason(r);
            }
        }
        if (!directFirst) {
            PodResult r = client.send(lane.peer, OrgWire.EVENTS, delivery); // the last resort
            if (r instanceof PodResult.Ok ok) return answered(lane, "direct", ok.json(OrgWire.BatchReply.class));
            why = (why == null ? "" : why + "; ") + "direct: " + reason(r);
        }
        lane.failed(why == null ? "no path" : why);
        return Optional.empty();
    }

    private static Optional<OrgWire.BatchReply> answered(Lane lane, String path, OrgWire.BatchReply reply) {
        lane.succeeded(path);
        return Optional.of(reply);
    }

    private static String reason(PodResult r) {
        return r instanceof PodResult.Failed f ? (f.code() != null ? f.code() : f.kind().name().toLowerCase(java.util.Locale.ROOT)) : "ok";
    }

    /** {@return whether the peer's delivery is failing (backing off) now} */
    boolean failing(String peer) {
        Lane lane = lanes.get(peer);
        return lane != null && lane.failures > 0;
    }

    /** {@return whether the peer has not mapped the channel (as it last said)} */
    boolean notMapped(String peer, String orgChannelId) {
        Lane lane = lanes.get(peer);
        return lane != null && lane.notMapped.contains(orgChannelId);
    }

    /** {@return the lane's state, for the admin API} */
    LaneView view(String peer) {
        Lane lane = lanes.get(peer);
        if (lane == null) return new LaneView(peer, 0, false, null, null, null, Map.of(), Set.of());
        return new LaneView(peer, lane.failures, System.currentTimeMillis() < lane.notBefore, lane.lastPath, lane.lastError,
                lane.lastSuccess, Map.copyOf(lane.pathSuccesses), Set.copyOf(lane.notMapped));
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (Exception ignored) {
            // removing a listener does not fail
        }
        executor.shutdownNow();
    }
}
