package io.parley.core.realtime;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Workspace;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence (spec 002 §4.1–4.2): computed from this node's connections, client activity and the
 * user's manual status, and announced in batches on the bus.
 *
 * <p>Algorithm. Each user has a small state guarded by its own monitor. The computed status is
 * <ol>
 *   <li>offline once the user has had no connection for {@code presenceOfflineGrace} (during the
 *       grace the previous status stands, so a quick reconnect does not flap);</li>
 *   <li>otherwise the manual status if one is set (dnd, brb, in_a_meeting, away);</li>
 *   <li>otherwise away after {@code presenceAwayAfter} without client activity, else available.</li>
 * </ol>
 * Status is recomputed on connect, disconnect, manual updates, activity of an away user, and on
 * every {@link #tick}. A change only marks the user dirty; every {@code presenceBatch} the tick
 * publishes one {@link BusEvent.PresenceChanged} with the dirty users whose status differs from
 * what was last announced — so a window holds at most one (the latest) state per user, and a
 * change undone within the window is never sent. Hubs deliver it to subscribers only.
 *
 * <p>{@link #update} takes a token from the user's presence bucket (1 per 10 s). Without one the
 * value is kept as pending, replacing any earlier pending value, and the tick applies it when the
 * bucket refills (the window's end).
 *
 * <p>Activity is reported for every application frame, so {@link #activity} is a map lookup and a
 * volatile write unless the user is away.
 *
 * <p>Across nodes ({@link PresenceShare}): each node publishes its own part of a user's state (its
 * connections, the activity it saw, the manual status it knows) and hears the other nodes' parts merged
 * ({@link PresenceShare.Remote}). The status is computed from the whole — a user connected to any node
 * is online, activity anywhere counts, the latest manual status wins, and the offline grace runs from
 * the last disconnect anywhere — so every node computes the same status and announces it to its own
 * subscribers. Activity is shared at most every {@link #SHARE_ACTIVITY_EVERY_MILLIS}, which is far below
 * the away threshold.
 *
 * <p>Caveats: state is in memory. A manual status survives reconnects while some node that saw it
 * lives; lastSeen is not persisted.
 */
public final class PresenceService {
    /** The most ids one viewer may be answered about per call (the protocol's per-frame limit). */
    public static final int MAX_IDS = 500;

    /** Activity is published to the other nodes at most this often per user (away takes minutes). */
    static final long SHARE_ACTIVITY_EVERY_MILLIS = 15_000;

    private static final class State {
        final UUID userId;
        volatile long lastActivity;
        volatile long sharedActivity;   // the lastActivity last published to the other nodes
        int connections;
        final java.util.Map<UUID, Long> conns = new java.util.LinkedHashMap<>(); // this node's: id → opened at
        PresenceShare.Remote remote;
        PresenceStatus manual;          // null: none
        long manualAt;
        PresenceStatus pending;         // a coalesced presence.update waiting for its window to end
        long pendingAt;
        long offlineAt;                 // when the grace after the last disconnect ends; 0: none running
        volatile PresenceStatus status = PresenceStatus.OFFLINE;
        PresenceStatus announced = PresenceStatus.OFFLINE;
        volatile long lastSeen;         // 0: never seen

        State(UUID userId) {
            this.userId = userId;
            this.remote = PresenceShare.Remote.none(userId);
        }
    }

    private final WorkspaceStore workspaces;
    private final RateLimiter limiter;
    private final Bus bus;
    private final Clock clock;
    private final RealtimeSettings settings;
    private final ConcurrentHashMap<UUID, State> users = new ConcurrentHashMap<>();
    private final Set<State> dirty = ConcurrentHashMap.newKeySet();
    private long nextBatchAt; // confined to the timer thread
    private final PresenceShare share;
    private volatile java.util.function.Consumer<UUID> onRemoteConnections = u -> { };

    /** @param share how presence is shared with the other nodes of a pod ({@link PresenceShare#NONE} on one node) */
    public PresenceService(WorkspaceStore workspaces, RateLimiter limiter, Bus bus, Clock clock, RealtimeSettings settings,
                           PresenceShare share) {
        this.workspaces = workspaces;
        this.limiter = limiter;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
        this.share = share;
        share.start(this::remoteChanged);
    }

    /** Sets who hears that a user's connections on other nodes changed (the hub: the per-user connection limit). */
    public void onRemoteConnections(java.util.function.Consumer<UUID> listener) {
        this.onRemoteConnections = listener;
    }

    /** {@return the user's connections on the other nodes of the pod} (empty on one node) */
    public List<PresenceShare.ConnectionRef> remoteConnections(UUID userId) {
        State s = users.get(userId);
        if (s == null) return List.of();
        synchronized (s) {
            return s.remote.connections();
        }
    }

    /** What the other nodes hold for a user changed. */
    void remoteChanged(PresenceShare.Remote remote) {
        State s = users.computeIfAbsent(remote.userId(), State::new);
        boolean connectionsChanged;
        boolean local;
        synchronized (s) {
            connectionsChanged = !s.remote.connections().equals(remote.connections());
            s.remote = remote;
            recompute(s, clock.millis());
            local = s.connections > 0;
        }
        if (connectionsChanged && local) onRemoteConnections.accept(remote.userId());
    }

    /** A connection of the user opened on this node (with a fresh id: tests and callers without one). */
    public void connected(UUID userId) {
        connected(userId, UUID.randomUUID(), clock.millis());
    }

    /** {@return the timers} */
    public RealtimeSettings settings() {
        return settings;
    }

    /** A connection of the user opened on this node. */
    public void connected(UUID userId, UUID connectionId, long openedAtMillis) {
        State s = users.computeIfAbsent(userId, State::new);
        long now = clock.millis();
        synchronized (s) {
            s.conns.put(connectionId, openedAtMillis);
            s.connections++;
            s.offlineAt = 0;
            // Coming online is activity; a reconnect within the grace (say after an idle timeout) is not.
            if (s.status == PresenceStatus.OFFLINE) s.lastActivity = now;
            s.lastSeen = now;
            recompute(s, now);
            publish(s);
        }
    }

    /** A connection of the user closed (one opened with {@link #connected(UUID)}: any of them). */
    public void disconnected(UUID userId) {
        State s = users.get(userId);
        if (s == null) return;
        UUID any;
        synchronized (s) {
            if (s.conns.isEmpty()) return;
            any = s.conns.keySet().iterator().next();
        }
        disconnected(userId, any);
    }

    /** A connection of the user closed; the last one anywhere starts the offline grace. */
    public void disconnected(UUID userId, UUID connectionId) {
        State s = users.get(userId);
        if (s == null) return;
        long now = clock.millis();
        synchronized (s) {
            if (s.conns.remove(connectionId) == null) return;
            if (--s.connections == 0) {
                s.offlineAt = now + settings.presenceOfflineGrace().toMillis();
                s.lastSeen = now;
            }
            publish(s);
        }
    }

    /** Caller holds the state's monitor. Hands this node's part of the user's state to the share. */
    private void publish(State s) {
        if (share == PresenceShare.NONE) return;
        List<PresenceShare.ConnectionRef> refs = new ArrayList<>(s.conns.size());
        s.conns.forEach((id, at) -> refs.add(new PresenceShare.ConnectionRef(id, at)));
        boolean remoteNewer = s.remote.manualAt() > s.manualAt;
        s.sharedActivity = s.lastActivity;
        // The manual status published is the merged one, so it outlives the node that took it.
        share.publish(new PresenceShare.NodePresence(s.userId, refs, s.lastActivity, s.lastSeen,
                remoteNewer ? s.remote.manual() : s.manual, remoteNewer ? s.remote.manualAt() : s.manualAt));
    }

    /** The user did something (an application frame arrived): cheap unless they were away. */
    public void activity(UUID userId) {
        State s = users.get(userId);
        if (s == null) return;
        long now = clock.millis();
        s.lastActivity = now;
        if (s.status == PresenceStatus.AWAY || (share != PresenceShare.NONE && now - s.sharedActivity >= SHARE_ACTIVITY_EVERY_MILLIS)) {
            synchronized (s) {
                recompute(s, now);
                publish(s);
            }
        }
    }

    /**
     * Sets (or with {@code available} clears) the user's manual status, at most once per
     * {@code presenceUpdateInterval}; within the interval the latest value wins and applies at its end.
     * {@return true if applied now, false if coalesced}
     *
     * @throws io.parley.core.error.ParleyException INVALID for an unknown status (or offline)
     */
    public boolean update(UUID userId, String status) {
        PresenceStatus wanted = PresenceStatus.manual(status);
        State s = users.computeIfAbsent(userId, State::new);
        long now = clock.millis();
        synchronized (s) {
            if (s.pending == null) {
                RateLimiter.Decision d = limiter.acquire(userId, RateAction.PRESENCE, null);
                if (d.allowed()) {
                    s.manual = wanted == PresenceStatus.AVAILABLE ? null : wanted;
                    s.manualAt = Math.max(now, s.remote.manualAt() + 1);
                    recompute(s, now);
                    publish(s);
                    return true;
                }
                s.pendingAt = now + d.retryAfterSeconds() * 1000L;
            }
            s.pending = wanted;
            return false;
        }
    }

    /** {@return the ids among {@code userIds} whose presence the viewer may see: themselves and anyone sharing a workspace} */
    public List<UUID> visibleTo(UUID viewer, Collection<UUID> userIds) {
        Set<UUID> mine = workspacesOf(viewer);
        List<UUID> visible = new ArrayList<>();
        for (UUID id : new LinkedHashSet<>(userIds)) {
            if (visible.size() == MAX_IDS) break;
            if (id.equals(viewer) || !java.util.Collections.disjoint(mine, workspacesOf(id))) visible.add(id);
        }
        return visible;
    }

    /** A user's workspace ids as read at {@code loadedAt}. */
    private record Workspaces(Set<UUID> ids, long loadedAt) {}

    /** How long a user's workspace list is trusted for visibility checks (joins and removals show within it). */
    private static final long WORKSPACES_TTL_MILLIS = 30_000;
    private final ConcurrentHashMap<UUID, Workspaces> workspacesByUser = new ConcurrentHashMap<>();

    /**
     * {@return the user's workspace ids, cached for {@link #WORKSPACES_TTL_MILLIS}}: 10,000 connections
     * subscribing to 50 contacts each cost one query per user, not one per (contact, workspace).
     */
    private Set<UUID> workspacesOf(UUID userId) {
        long now = clock.millis();
        Workspaces w = workspacesByUser.get(userId);
        if (w == null || now - w.loadedAt() > WORKSPACES_TTL_MILLIS) {
            Set<UUID> ids = new java.util.HashSet<>();
            for (Workspace ws : workspaces.forUser(userId)) ids.add(ws.id());
            w = new Workspaces(Set.copyOf(ids), now);
            workspacesByUser.put(userId, w);
        }
        return w.ids();
    }

    /** {@return the current presence of a user} (offline, never seen, if this node knows nothing of them) */
    public UserPresence of(UUID userId) {
        State s = users.get(userId);
        if (s == null) return new UserPresence(userId, PresenceStatus.OFFLINE, null);
        synchronized (s) {
            return view(s, s.status);
        }
    }

    /** {@return the current presence of each user, in order} */
    public List<UserPresence> of(Collection<UUID> userIds) {
        return userIds.stream().map(this::of).toList();
    }

    /**
     * Runs the clocks (the realtime timer calls this every {@link RealtimeSettings#tick()}): applies
     * pending updates whose window ended, turns idle users away and users past their grace offline,
     * and at the end of each batch window publishes what changed.
     */
    public void tick() {
        long now = clock.millis();
        for (State s : users.values()) {
            if (s.connections == 0 && s.offlineAt == 0 && s.pending == null && s.remote.connections().isEmpty()) continue; // settled offline
            synchronized (s) {
                if (s.pending != null && now >= s.pendingAt) {
                    RateLimiter.Decision d = limiter.acquire(s.userId, RateAction.PRESENCE, null);
                    if (d.allowed()) {
                        s.manual = s.pending == PresenceStatus.AVAILABLE ? null : s.pending;
                        s.manualAt = Math.max(now, s.remote.manualAt() + 1);
                        s.pending = null;
                        publish(s);
                    } else {
                        s.pendingAt = now + d.retryAfterSeconds() * 1000L;
                    }
                }
                recompute(s, now);
            }
        }
        if (now >= nextBatchAt) {
            nextBatchAt = now + settings.presenceBatch().toMillis();
            flush();
        }
    }

    /** Publishes the dirty users whose status differs from the last announced one. */
    private void flush() {
        if (dirty.isEmpty()) return;
        List<UserPresence> changes = new ArrayList<>();
        for (var it = dirty.iterator(); it.hasNext(); ) {
            State s = it.next();
            it.remove();
            synchronized (s) {
                if (s.status == s.announced) continue; // changed and changed back within the window
                s.announced = s.status;
                changes.add(view(s, s.status));
            }
        }
        if (!changes.isEmpty()) bus.publish(new BusEvent.PresenceChanged(changes));
    }

    /** Caller holds the state's monitor. Computes from this node's part and the other nodes' together. */
    private void recompute(State s, long now) {
        PresenceStatus next;
        PresenceShare.Remote r = s.remote;
        PresenceStatus manual = r.manualAt() > s.manualAt ? r.manual() : s.manual;
        long activity = Math.max(s.lastActivity, r.lastActivity());
        if (s.connections == 0 && r.connections().isEmpty()) {
            if (s.offlineAt == 0 && s.status != PresenceStatus.OFFLINE) { // the last connection closed on another node
                long seen = Math.max(s.lastSeen, r.lastSeen());
                s.offlineAt = (seen == 0 ? now : seen) + settings.presenceOfflineGrace().toMillis();
            }
            if (s.offlineAt != 0 && now >= s.offlineAt) {
                s.offlineAt = 0;
                next = PresenceStatus.OFFLINE;
            } else {
                next = s.status; // within the grace: no flap
            }
        } else if (s.connections == 0) { // connected elsewhere only
            s.offlineAt = 0;
            next = manual != null ? manual
                    : now - activity >= settings.presenceAwayAfter().toMillis() ? PresenceStatus.AWAY : PresenceStatus.AVAILABLE;
        } else if (manual != null) {
            next = manual;
        } else if (now - activity >= settings.presenceAwayAfter().toMillis()) {
            next = PresenceStatus.AWAY;
        } else {
            next = PresenceStatus.AVAILABLE;
        }
        if (next != s.status) {
            s.status = next;
            dirty.add(s);
        }
    }

    /** Caller holds the state's monitor. */
    private static UserPresence view(State s, PresenceStatus status) {
        PresenceShare.Remote r = s.remote;
        long seen = s.connections > 0 || !r.connections().isEmpty() ? Math.max(s.lastActivity, r.lastActivity())
                : Math.max(s.lastSeen, r.lastSeen());
        return new UserPresence(s.userId, status, seen == 0 ? null : Instant.ofEpochMilli(seen));
    }
}
