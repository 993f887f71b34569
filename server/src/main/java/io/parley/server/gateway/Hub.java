package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatEvent;
import io.parley.core.protocol.CloseCode;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.UserPresence;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's connections, and the last hop of the one delivery path: bus event → members of the
 * chat → their local connections.
 *
 * <p>Ordering and gaps: the hub remembers, per chat, the last seq it delivered. An event at or
 * below it is a duplicate (at-least-once bus) and is dropped; an event past {@code last + 1} means
 * the bus lost or reordered something, so the missing events are read from the store and delivered
 * first. Seqs are committed gap-free (the chat row lock serialises them), so anything the store
 * has below a committed seq is final. A bus that drops events therefore costs latency, never content.
 *
 * <p>Each frame is encoded once and its bytes shared by every recipient.
 *
 * <p>Interest (a pod's selective bus): the hub watches the chats of the users connected here
 * ({@link ChatInterest}) and tracks seqs only for those; an event of an unwatched chat (one this node
 * published for a chat without local members) is handed to whoever is connected and not tracked. Every
 * {@link #CATCH_UP_EVERY}, and after every reconnect to the broker, {@link #catchUp()} compares the watched
 * chats' last seqs in the store with what was delivered and repairs the difference, so an event lost
 * between nodes (a broker outage, a node killed between commit and publish) reaches clients even when
 * nothing follows it in that chat.
 *
 * <p>Awareness: the hub tells presence when a user's connections open and close and when a client
 * is active; it delivers typing to the chat's other members and presence changes to the connections
 * that subscribed to them, both as droppable frames.
 */
public final class Hub implements Bus.Listener {
    /** Chats up to this size tell every member of each join and leave ({@code chat.membership}). */
    static final int ANNOUNCE_MEMBERSHIP_UP_TO = 500;
    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    /** How often the hub compares its watched chats with the store (a pod's bus only). */
    static final java.time.Duration CATCH_UP_EVERY = java.time.Duration.ofSeconds(2);

    private final ChatDirectory directory;
    private final MessageLog messages;
    private final int maxConnectionsPerUser;
    private final Map<UUID, List<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<UUID, Long> lastDelivered = new ConcurrentHashMap<>();
    /** Chats with events held back because their gap could not be read from the store; {@link #catchUp()} finishes them. */
    private final Set<UUID> behind = ConcurrentHashMap.newKeySet();
    private final GatewayMetrics metrics;
    private final PresenceService presence;
    private final PresenceSubscriptions presenceWatchers = new PresenceSubscriptions();
    private final ChatStore chats;
    /** Null on a bus that delivers everything (one node). */
    private final ChatInterest interest;

    public Hub(ChatDirectory directory, MessageLog messages, ChatStore chats, Bus bus, int maxConnectionsPerUser,
               GatewayMetrics metrics, PresenceService presence) {
        this.directory = directory;
        this.messages = messages;
        this.chats = chats;
        this.interest = bus.selective() ? new ChatInterest(bus, chats, new Interest()) : null;
        presence.onRemoteConnections(this::enforceConnectionLimit);
        this.maxConnectionsPerUser = maxConnectionsPerUser;
        this.metrics = metrics;
        this.presence = presence;
    }

    /** {@return who watches whose presence on this node} */
    PresenceSubscriptions presenceWatchers() {
        return presenceWatchers;
    }

    /** The connection's client did something (an application frame other than a heartbeat). */
    void active(Connection c) {
        presence.activity(c.userId());
    }

    /**
     * A connection of the user is about to open (on the upgrade's virtual thread, before the handshake): on a
     * pod's bus, the node starts watching the user's chats now, so nothing committed from here on is missed.
     * Every call needs a {@link #register} or an {@link #abandon}.
     */
    void prepare(UUID userId) {
        if (interest != null) interest.acquire(userId);
    }

    /** The connection {@link #prepare}d for never opened. */
    void abandon(UUID userId) {
        if (interest != null) interest.release(userId);
    }

    /** Registers a connection; closes the user's oldest ones past the per-user limit. */
    void register(Connection c) {
        List<Connection> mine = byUser.computeIfAbsent(c.userId(), k -> new CopyOnWriteArrayList<>());
        mine.add(c);
        metrics.connectionOpened();
        presence.connected(c.userId(), c.id(), c.openedAt().toEpochMilli());
        enforceConnectionLimit(c.userId());
    }

    /** One of a user's open connections, on this node ({@code local} set) or another. */
    private record Open(UUID id, long openedAt, Connection local) {}

    /**
     * Closes this node's connections of the user that are not among the newest {@code maxConnectionsPerUser}
     * of the whole pod (this node's and, through shared presence, the others'). Every node applies the same
     * rule to the same list, so each closes its own share of the oldest and the user ends up with the limit.
     */
    void enforceConnectionLimit(UUID userId) {
        List<Open> open = new ArrayList<>();
        for (Connection c : connections(userId)) if (c.isOpen()) open.add(new Open(c.id(), c.openedAt().toEpochMilli(), c));
        if (open.isEmpty()) return;
        for (var r : presence.remoteConnections(userId)) open.add(new Open(r.id(), r.openedAtMillis(), null));
        if (open.size() <= maxConnectionsPerUser) return;
        open.sort(Comparator.comparingLong(Open::openedAt).thenComparing(Open::id));
        for (Open o : open.subList(0, open.size() - maxConnectionsPerUser)) {
            if (o.local() != null) o.local().close(CloseCode.REPLACED);
        }
    }

    void unregister(Connection c) {
        boolean[] removed = {false};
        byUser.computeIfPresent(c.userId(), (k, list) -> {
            removed[0] = list.remove(c);
            return list.isEmpty() ? null : list;
        });
        if (!removed[0]) return;
        metrics.connectionClosed();
        presenceWatchers.drop(c);
        presence.disconnected(c.userId(), c.id());
        if (interest != null) interest.release(c.userId());
    }

    /** {@return every live connection on this node} */
    Collection<Connection> all() {
        List<Connection> all = new ArrayList<>();
        byUser.values().forEach(all::addAll);
        return all;
    }

    /** {@return how many connections are open on this node} */
    public int size() {
        return byUser.values().stream().mapToInt(List::size).sum();
    }

    /** Closes every connection with the given code (drain, shutdown). */
    public void closeAll(CloseCode code) {
        all().forEach(c -> c.close(code));
    }

    @Override
    public void onEvent(BusEvent event) {
        switch (event) {
            case BusEvent.Committed c -> deliverInOrder(c.event());
            case BusEvent.SessionsRevoked s -> forUser(s.userId(), c -> {
                if (s.sessionIds().contains(c.principal().sessionId())) c.close(CloseCode.UNAUTHORIZED);
            });
            case BusEvent.MembershipChanged m -> {
                if (interest != null && interest.holds(m.userId())) follow(m);
                route(m);
            }
            case BusEvent.ChatChanged c -> route(c);
            case BusEvent.ReadMarked r -> route(r);
            case BusEvent.TypingChanged t -> route(t);
            case BusEvent.OrgPeersChanged o -> route(o);
            case BusEvent.PresenceChanged p -> route(p);
            case BusEvent.UrgentPosted u -> { } // the notification dispatcher's business
        }
    }

    private void route(BusEvent event) {
        for (EventFrames.Routed r : EventFrames.of(event)) send(r);
    }

    /** Queues the frame for its audience's local connections, encoded once and only if someone is there. */
    private int send(EventFrames.Routed r) {
        return switch (r.to()) {
            case EventFrames.Audience.ChatMembers a -> toUsers(directory.members(a.chatId()), a.except(), r.frame(), r.priority());
            case EventFrames.Audience.MembershipOf a -> {
                Set<UUID> members = directory.members(a.chatId());
                yield toUsers(members.size() <= ANNOUNCE_MEMBERSHIP_UP_TO ? union(members, a.userId()) : Set.of(a.userId()), null,
                        r.frame(), r.priority());
            }
            case EventFrames.Audience.PresenceWatchers a -> {
                List<Connection> watchers = presenceWatchers.watchers(a.userId(), System.currentTimeMillis());
                if (!watchers.isEmpty()) toConnections(watchers, ServerFrameEncoder.encode(r.frame()), r.priority());
                yield watchers.size();
            }
        };
    }

    /** A user connected here joined or left a chat: adjust what the node watches, off the bus thread (it may block). */
    private void follow(BusEvent.MembershipChanged m) {
        Thread.ofVirtual().name("parley-interest").start(() -> {
            try {
                if (m.joined()) interest.joined(m.userId(), m.chatId(), m.sinceSeq());
                else interest.left(m.userId(), m.chatId());
            } catch (RuntimeException e) {
                log.warn("could not follow chat {} for a local member; it is caught up at their next connect", m.chatId(), e);
            }
        });
    }

    /**
     * Compares chats' last seqs in the store with the last ones delivered and delivers what is missing: on a
     * pod's bus every watched chat, on one node the chats whose gap repair failed (the store was down). Runs on
     * the gateway's timer and after broker reconnects.
     */
    public void catchUp() {
        Set<UUID> check = interest != null ? interest.watched() : Set.copyOf(behind);
        if (check.isEmpty()) return;
        Map<UUID, Long> stored = chats.lastSeqs(check);
        for (var e : stored.entrySet()) {
            UUID chatId = e.getKey();
            Long last = lastDelivered.get(chatId);
            if (last == null || e.getValue() <= last) {
                behind.remove(chatId);
                continue;
            }
            synchronized (lockFor(chatId)) {
                last = lastDelivered.get(chatId);
                if (last == null || e.getValue() <= last || (interest != null && !interest.watches(chatId))) continue;
                long upTo = last;
                for (ChatEvent missed : messages.eventsAfter(chatId, last, (int) Math.min(Integer.MAX_VALUE, e.getValue() - last))) {
                    if (missed.seq() <= upTo) continue;
                    deliver(missed);
                    upTo = missed.seq();
                }
                lastDelivered.put(chatId, upTo);
                behind.remove(chatId);
                metrics.gapRepaired();
            }
        }
    }

    /** Keeps the seq bookkeeping in step with what the node watches. */
    private final class Interest implements ChatInterest.Listener {
        @Override
        public void started(Map<UUID, Long> lastSeqs) {
            lastSeqs.forEach((chat, seq) -> lastDelivered.merge(chat, seq, Math::max));
        }

        @Override
        public void stopped(Set<UUID> chatIds) {
            for (UUID chat : chatIds) {
                lastDelivered.remove(chat); // the lock object stays: another thread may hold it
            }
        }
    }

    private void deliverInOrder(ChatEvent event) {
        UUID chatId = event.chatId();
        if (interest != null && !interest.watches(chatId)) { // published here for a chat with no member connected here
            deliver(event);
            return;
        }
        // One chat's events arrive on one bus thread in order; the lock only guards against a
        // second bus thread (NATS) handling the same chat.
        synchronized (lockFor(chatId)) {
            Long last = lastDelivered.get(chatId);
            if (last != null && event.seq() <= last) return; // duplicate
            if (last != null && event.seq() > last + 1) {
                List<ChatEvent> missing;
                try {
                    missing = messages.eventsAfter(chatId, last, (int) (event.seq() - last - 1));
                } catch (RuntimeException e) {
                    // Never deliver past a hole: hold this event back too (it is committed, so the store has it) and
                    // let the catch-up deliver the whole run in order once the store answers again.
                    behind.add(chatId);
                    log.warn("gap repair for chat {} failed; its events are delivered when the store is back", chatId);
                    return;
                }
                for (ChatEvent missed : missing) {
                    if (missed.seq() < event.seq()) deliver(missed);
                }
                metrics.gapRepaired();
            }
            deliver(event);
            lastDelivered.put(chatId, event.seq());
        }
    }

    private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

    private Object lockFor(UUID chatId) {
        return locks.computeIfAbsent(chatId, k -> new Object());
    }

    private void deliver(ChatEvent event) {
        long start = System.nanoTime();
        int n = send(EventFrames.live(event));
        metrics.delivered(n, System.nanoTime() - start, Math.max(0, System.currentTimeMillis() - event.at().toEpochMilli()));
    }

    /** Queues one encoded frame for every local connection of the users but {@code except}: one queue item per event loop. */
    private int toUsers(Set<UUID> users, UUID except, io.parley.core.protocol.ServerFrame frame, FramePriority priority) {
        Map<Outbound, List<Connection>> byLoop = new java.util.IdentityHashMap<>();
        int n = 0;
        for (UUID u : users) {
            if (u.equals(except)) continue;
            List<Connection> conns = byUser.get(u);
            if (conns == null) continue;
            for (Connection c : conns) {
                if (!c.isOpen()) continue;
                c.touchSent();
                byLoop.computeIfAbsent(c.outbound(), o -> new ArrayList<>()).add(c);
                n++;
            }
        }
        if (n == 0) return 0;
        ByteBuf shared = WireFrame.text(ServerFrameEncoder.encode(frame));
        for (var e : byLoop.entrySet()) e.getKey().enqueueFanOut(e.getValue(), shared.retain(), priority);
        shared.release();
        return n;
    }

    /** Queues one encoded frame for each of these connections: one queue item per event loop. */
    private void toConnections(List<Connection> conns, byte[] frame, FramePriority priority) {
        Map<Outbound, List<Connection>> byLoop = new java.util.IdentityHashMap<>();
        for (Connection c : conns) {
            c.touchSent();
            byLoop.computeIfAbsent(c.outbound(), o -> new ArrayList<>()).add(c);
        }
        ByteBuf shared = WireFrame.text(frame);
        for (var e : byLoop.entrySet()) e.getKey().enqueueFanOut(e.getValue(), shared.retain(), priority);
        shared.release();
    }

    private void forUser(UUID userId, Consumer<Connection> action) {
        List<Connection> conns = byUser.get(userId);
        if (conns != null) conns.forEach(action);
    }

    /** {@return the user's connections on this node (empty if none)} */
    List<Connection> connections(UUID userId) {
        List<Connection> conns = byUser.get(userId);
        return conns == null ? List.of() : conns;
    }

    private static Set<UUID> union(Set<UUID> members, UUID extra) {
        if (members.contains(extra)) return members;
        var s = new java.util.HashSet<>(members);
        s.add(extra);
        return s;
    }
}
