package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.parley.core.protocol.CloseCode;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.realtime.PresenceService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * This node's connections, by user, and the per-user connection limit. It knows nothing of chats or bus events:
 * {@link LocalDelivery} decides what goes to whom and asks the hub to queue it.
 *
 * <p>Sharded like Centrifuge's hub: users are spread over {@link #SHARDS} shards by id, each a plain map under its
 * own monitor, so registrations of different users rarely meet and a fan-out's lookups take short, mostly
 * uncontended locks. A user's connections are an immutable list replaced on every change, so a fan-out iterates
 * it outside the lock; a connection that closes meanwhile is skipped by its {@code isOpen()}.
 *
 * <p>Fan-out: a frame is encoded once, only if some connection here receives it, and queued as one item per event
 * loop ({@link Outbound#enqueueFanOut}).
 *
 * <p>It tells presence when a user's connections open and close and when a client is active, and, on a pod's bus,
 * the node's {@link ChatInterest} when a user's first connection is about to open and their last one closed.
 */
public final class Hub {
    /** Shards of the registry (a power of two). */
    static final int SHARDS = 32;

    private final Shard[] shards = new Shard[SHARDS];
    private final int maxConnectionsPerUser;
    private final GatewayMetrics metrics;
    private final PresenceService presence;
    private final PresenceSubscriptions presenceWatchers = new PresenceSubscriptions();
    /** Null on a bus that delivers everything (one node). */
    private final ChatInterest interest;

    /** One part of the registry: its users' connections, under its monitor. */
    private static final class Shard {
        final Map<UUID, List<Connection>> byUser = new HashMap<>();
        int connections;
    }

    Hub(int maxConnectionsPerUser, GatewayMetrics metrics, PresenceService presence, ChatInterest interest) {
        for (int i = 0; i < SHARDS; i++) shards[i] = new Shard();
        this.maxConnectionsPerUser = maxConnectionsPerUser;
        this.metrics = metrics;
        this.presence = presence;
        this.interest = interest;
        presence.onRemoteConnections(this::enforceConnectionLimit);
    }

    private Shard shard(UUID userId) {
        int h = userId.hashCode();
        return shards[(h ^ (h >>> 16)) & (SHARDS - 1)];
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
        Shard s = shard(c.userId());
        synchronized (s) {
            List<Connection> mine = s.byUser.getOrDefault(c.userId(), List.of());
            List<Connection> more = new ArrayList<>(mine.size() + 1);
            more.addAll(mine);
            more.add(c);
            s.byUser.put(c.userId(), List.copyOf(more));
            s.connections++;
        }
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
        Shard s = shard(c.userId());
        synchronized (s) {
            List<Connection> mine = s.byUser.get(c.userId());
            if (mine == null || !mine.contains(c)) return;
            List<Connection> rest = new ArrayList<>(mine);
            rest.remove(c);
            if (rest.isEmpty()) s.byUser.remove(c.userId());
            else s.byUser.put(c.userId(), List.copyOf(rest));
            s.connections--;
        }
        metrics.connectionClosed();
        presenceWatchers.drop(c);
        presence.disconnected(c.userId(), c.id());
        if (interest != null) interest.release(c.userId());
    }

    /** {@return the user's connections on this node (empty if none)} */
    List<Connection> connections(UUID userId) {
        Shard s = shard(userId);
        synchronized (s) {
            return s.byUser.getOrDefault(userId, List.of());
        }
    }

    /** {@return every live connection on this node} */
    Collection<Connection> all() {
        List<Connection> all = new ArrayList<>();
        for (Shard s : shards) {
            synchronized (s) {
                s.byUser.values().forEach(all::addAll);
            }
        }
        return all;
    }

    /** {@return how many connections are open on this node} */
    public int size() {
        int n = 0;
        for (Shard s : shards) {
            synchronized (s) {
                n += s.connections;
            }
        }
        return n;
    }

    /** Closes every connection with the given code (drain, shutdown). */
    public void closeAll(CloseCode code) {
        all().forEach(c -> c.close(code));
    }

    /** Closes the user's connections that belong to these sessions (they were revoked). */
    void closeSessions(UUID userId, Set<UUID> sessionIds) {
        for (Connection c : connections(userId)) {
            if (sessionIds.contains(c.principal().sessionId())) c.close(CloseCode.UNAUTHORIZED);
        }
    }

    /**
     * Queues a frame for every open connection here of the users but {@code except} (null: none): encoded once, if
     * anyone is here, one queue item per event loop. {@return how many connections it was queued for}
     */
    int toUsers(Set<UUID> users, UUID except, ServerFrame frame, FramePriority priority) {
        Map<Outbound, List<Connection>> byLoop = new IdentityHashMap<>();
        int n = 0;
        for (UUID u : users) {
            if (u.equals(except)) continue;
            for (Connection c : connections(u)) {
                if (!c.isOpen()) continue;
                c.touchSent();
                byLoop.computeIfAbsent(c.outbound(), o -> new ArrayList<>()).add(c);
                n++;
            }
        }
        if (n == 0) return 0;
        fanOut(byLoop, ServerFrameEncoder.encode(frame), priority);
        return n;
    }

    /** Queues one encoded frame for each of these connections: one queue item per event loop. */
    void toConnections(List<Connection> conns, ServerFrame frame, FramePriority priority) {
        Map<Outbound, List<Connection>> byLoop = new IdentityHashMap<>();
        for (Connection c : conns) {
            c.touchSent();
            byLoop.computeIfAbsent(c.outbound(), o -> new ArrayList<>()).add(c);
        }
        fanOut(byLoop, ServerFrameEncoder.encode(frame), priority);
    }

    private static void fanOut(Map<Outbound, List<Connection>> byLoop, byte[] frame, FramePriority priority) {
        ByteBuf shared = WireFrame.text(frame);
        for (var e : byLoop.entrySet()) e.getKey().enqueueFanOut(e.getValue(), shared.retain(), priority);
        shared.release();
    }
}
