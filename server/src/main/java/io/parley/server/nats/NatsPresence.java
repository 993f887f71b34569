package io.parley.server.nats;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.parley.core.realtime.PresenceShare;
import io.parley.core.realtime.PresenceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Presence shared through a JetStream key-value bucket, {@code <prefix>-presence} (memory storage).
 *
 * <p>Keys. {@code u.<userId>.<nodeId>} holds one node's part of a user's presence (its connections with
 * their open times, last activity, last seen, the manual status it knows); only that node writes it, so
 * writes never conflict. {@code n.<nodeId>} is the node's heartbeat, written every {@link #HEARTBEAT}.
 *
 * <p>Every node watches the whole bucket and keeps the other nodes' parts in memory. A node whose
 * heartbeat has not been seen for {@link #NODE_LAPSE} (it died, or the broker is away) counts as
 * gone: its connections stop counting and its users' offline grace runs from that moment. Parts are
 * merged per user ({@link PresenceShare.Remote}: connections of live nodes, latest activity and last
 * seen, the newest manual status) and handed to the presence service, which computes the status.
 *
 * <p>Writes are coalesced: the latest part per user is sent by one thread every {@link #FLUSH}; every
 * part is re-sent every {@link #REFRESH} (the bucket drops entries older than {@link #MAX_AGE}) and
 * after every reconnect, when the bucket (memory storage does not survive a broker restart) and the
 * watch are set up again. While NATS is away nothing is sent and each node falls back to what it
 * holds itself.
 */
public final class NatsPresence implements PresenceShare, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsPresence.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration NODE_LAPSE = Duration.ofSeconds(8);
    static final Duration FLUSH = Duration.ofMillis(20);
    static final Duration REFRESH = Duration.ofMinutes(5);
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final NatsLink link;
    private final String self;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-presence-share").daemon().factory());
    /** What this node published last, per user, and who is due to be sent. */
    private final Map<UUID, NodePresence> mine = new ConcurrentHashMap<>();
    private final Set<UUID> due = ConcurrentHashMap.newKeySet();
    // ---- the mirror of the other nodes, confined to the timer thread ----
    private final Map<UUID, Map<String, NodePresence>> others = new HashMap<>();
    private final Map<String, Long> seenAtNanos = new HashMap<>();
    private final Map<String, Long> goneAtMillis = new HashMap<>();
    private volatile KeyValue kv;
    private volatile NatsKeyValueWatchSubscription watch;
    private volatile Consumer<Remote> onRemote = r -> { };

    public NatsPresence(NatsLink link) {
        this.link = link;
        this.self = link.nodeId();
        link.closeWith(this);
    }

    @Override
    public void start(Consumer<Remote> onRemote) {
        this.onRemote = onRemote;
        timer.execute(this::setUp);
        timer.scheduleWithFixedDelay(guard("flush", this::flush), FLUSH.toMillis(), FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guard("heartbeat", this::heartbeat), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guard("refresh", () -> due.addAll(mine.keySet())), REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        link.onReconnect(() -> timer.execute(this::setUp));
    }

    @Override
    public void publish(NodePresence local) {
        mine.put(local.userId(), local);
        due.add(local.userId());
    }

    /** {@return the nodes whose heartbeat this node currently sees} (itself excluded) */
    public Set<String> liveNodes() {
        try {
            return timer.submit(() -> {
                long now = System.nanoTime();
                Set<String> live = new java.util.TreeSet<>();
                seenAtNanos.forEach((n, at) -> { if (now - at < NODE_LAPSE.toNanos()) live.add(n); });
                return live;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Set.of();
        }
    }

    /** (Re)creates the bucket and the watch, and re-sends everything this node holds. On the timer thread. */
    private void setUp() {
        try {
            NatsKeyValueWatchSubscription old = watch;
            if (old != null) old.unsubscribe();
            kv = link.bucket("presence", MAX_AGE);
            watch = kv.watchAll(new Mirror());
            due.addAll(mine.keySet());
            heartbeat();
        } catch (Exception e) {
            kv = null;
            log.warn("shared presence is not set up yet ({}); retrying with the next heartbeat", e.toString());
        }
    }

    private void heartbeat() throws Exception {
        if (kv == null) {
            if (link.connected()) setUp();
            return;
        }
        if (link.connected()) kv.put("n." + self, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        lapse();
    }

    private void flush() throws Exception {
        KeyValue bucket = kv;
        if (bucket == null || !link.connected() || due.isEmpty()) return;
        for (UUID user : List.copyOf(due)) {
            due.remove(user);
            NodePresence p = mine.get(user);
            if (p == null) continue;
            try {
                bucket.put("u." + user + "." + self, JSON.writeValueAsBytes(p));
            } catch (Exception e) {
                due.add(user); // sent with the next flush, or after the reconnect
                throw e;
            }
        }
    }

    /** Nodes not heard from for {@link #NODE_LAPSE} are gone: their users are merged again without them. */
    private void lapse() {
        long now = System.nanoTime();
        for (var e : seenAtNanos.entrySet()) {
            String node = e.getKey();
            if (now - e.getValue() >= NODE_LAPSE.toNanos() && !goneAtMillis.containsKey(node)) {
                goneAtMillis.put(node, System.currentTimeMillis());
                log.info("presence: node {} is gone (no heartbeat for {})", node, NODE_LAPSE);
                usersOf(node).forEach(this::emit);
            }
        }
    }

    private List<UUID> usersOf(String node) {
        List<UUID> users = new ArrayList<>();
        others.forEach((user, parts) -> { if (parts.containsKey(node)) users.add(user); });
        return users;
    }

    /** Merges what the live nodes hold for a user and tells the presence service. On the timer thread. */
    private void emit(UUID user) {
        Map<String, NodePresence> parts = others.getOrDefault(user, Map.of());
        List<ConnectionRef> conns = new ArrayList<>();
        long activity = 0;
        long seen = 0;
        PresenceStatus manual = null;
        long manualAt = 0;
        for (var e : parts.entrySet()) {
            NodePresence p = e.getValue();
            Long gone = goneAtMillis.get(e.getKey());
            boolean live = gone == null && seenAtNanos.containsKey(e.getKey());
            if (live) conns.addAll(p.connections());
            else if (!p.connections().isEmpty()) seen = Math.max(seen, gone == null ? System.currentTimeMillis() : gone);
            activity = Math.max(activity, p.lastActivity());
            seen = Math.max(seen, p.lastSeen());
            if (p.manualAt() > manualAt) {
                manualAt = p.manualAt();
                manual = p.manual();
            }
        }
        conns.sort(java.util.Comparator.comparingLong(ConnectionRef::openedAtMillis).thenComparing(ConnectionRef::id));
        try {
            onRemote.accept(new Remote(user, conns, activity, seen, manual, manualAt));
        } catch (RuntimeException ex) {
            log.warn("presence listener failed", ex);
        }
    }

    /** Applies the bucket's entries as they arrive (first the current state, then every change). */
    private final class Mirror implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            timer.execute(() -> apply(entry));
        }

        @Override
        public void endOfData() { }

        private void apply(KeyValueEntry entry) {
            String key = entry.getKey();
            boolean removed = entry.getOperation() != KeyValueOperation.PUT;
            try {
                if (key.startsWith("n.")) {
                    String node = key.substring(2);
                    if (node.equals(self)) return;
                    if (removed) { // a node that stopped cleanly says goodbye
                        if (seenAtNanos.remove(node) != null) {
                            goneAtMillis.put(node, System.currentTimeMillis());
                            usersOf(node).forEach(NatsPresence.this::emit);
                        }
                        return;
                    }
                    long wall = Long.parseLong(new String(entry.getValue(), StandardCharsets.UTF_8));
                    if (System.currentTimeMillis() - wall >= NODE_LAPSE.toMillis()) return; // an old heartbeat of a dead node
                    boolean revived = goneAtMillis.remove(node) != null || !seenAtNanos.containsKey(node);
                    seenAtNanos.put(node, System.nanoTime());
                    if (revived) usersOf(node).forEach(NatsPresence.this::emit);
                } else if (key.startsWith("u.")) {
                    int dot = key.indexOf('.', 2);
                    UUID user = UUID.fromString(key.substring(2, dot));
                    String node = key.substring(dot + 1);
                    if (node.equals(self)) return;
                    if (removed) {
                        Map<String, NodePresence> parts = others.get(user);
                        if (parts != null) parts.remove(node);
                    } else {
                        others.computeIfAbsent(user, k -> new HashMap<>()).put(node, JSON.readValue(entry.getValue(), NodePresence.class));
                    }
                    emit(user);
                }
            } catch (Exception e) {
                log.debug("ignored a presence entry {}: {}", key, e.toString());
            }
        }
    }

    private static Runnable guard(String what, ThrowingRunnable r) {
        return () -> {
            try {
                r.run();
            } catch (Exception e) {
                log.debug("shared presence {} failed: {}", what, e.toString());
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Sends what is due (the connections this node just closed) and says goodbye, so the others need not wait for the lapse. */
    @Override
    public void close() {
        try {
            timer.submit(() -> {
                flush();
                KeyValue bucket = kv;
                if (bucket != null && link.connected()) bucket.delete("n." + self);
                return null;
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("presence goodbye failed: {}", e.toString());
        }
        timer.shutdownNow();
    }
}
