package io.parley.server.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which local connections watch whose presence (spec 002 §4.2), each subscription with a deadline:
 * it lapses {@code presenceSubscriptionTtl} after it was made unless the client subscribes again.
 *
 * <p>Two indexes: watched user → connections with their deadline (delivery), and connection → watched
 * users (limit and cleanup on close). Lapsed entries are skipped at delivery and purged by the sweeper.
 */
final class PresenceSubscriptions {
    /** The most users one connection may watch at once. */
    static final int MAX_PER_CONNECTION = 1000;
    /** Lapsed entries are skipped at delivery anyway; purging is memory hygiene, so it need not run often. */
    private static final long PURGE_EVERY_MILLIS = 30_000;

    private final Map<UUID, Map<Connection, Long>> byWatched = new ConcurrentHashMap<>();
    private final Map<Connection, Map<UUID, Long>> byConnection = new ConcurrentHashMap<>();
    private volatile long nextPurgeAt;

    /**
     * Subscribes (or renews) a connection to users until {@code expiresAt} (epoch millis).
     * {@return false, subscribing nothing, if the connection would watch more than {@link #MAX_PER_CONNECTION}}
     */
    boolean subscribe(Connection c, Collection<UUID> userIds, long now, long expiresAt) {
        Map<UUID, Long> mine = byConnection.computeIfAbsent(c, k -> new ConcurrentHashMap<>());
        synchronized (mine) {
            mine.values().removeIf(deadline -> deadline <= now);
            long added = userIds.stream().filter(u -> !mine.containsKey(u)).count();
            if (mine.size() + added > MAX_PER_CONNECTION) return false;
            for (UUID u : userIds) {
                mine.put(u, expiresAt);
                byWatched.compute(u, (k, w) -> {
                    Map<Connection, Long> watchers = w != null ? w : new ConcurrentHashMap<>();
                    watchers.put(c, expiresAt);
                    return watchers;
                });
            }
        }
        if (!c.isOpen()) drop(c); // closed meanwhile: its unregister may have run already
        return true;
    }

    void unsubscribe(Connection c, Collection<UUID> userIds) {
        Map<UUID, Long> mine = byConnection.get(c);
        if (mine == null) return;
        synchronized (mine) {
            for (UUID u : userIds) {
                if (mine.remove(u) != null) removeWatcher(u, c);
            }
        }
    }

    /** Forgets a closed connection. */
    void drop(Connection c) {
        Map<UUID, Long> mine = byConnection.remove(c);
        if (mine == null) return;
        synchronized (mine) {
            for (UUID u : mine.keySet()) removeWatcher(u, c);
        }
    }

    /** {@return the open connections watching a user now} */
    List<Connection> watchers(UUID userId, long now) {
        Map<Connection, Long> w = byWatched.get(userId);
        if (w == null) return List.of();
        List<Connection> out = new ArrayList<>(w.size());
        w.forEach((c, deadline) -> {
            if (deadline > now && c.isOpen()) out.add(c);
        });
        return out;
    }

    /** Drops lapsed subscriptions, at most every 30 s. */
    void purge(long now) {
        if (now < nextPurgeAt) return;
        nextPurgeAt = now + PURGE_EVERY_MILLIS;
        for (var e : byConnection.entrySet()) {
            Connection c = e.getKey();
            Map<UUID, Long> mine = e.getValue();
            synchronized (mine) {
                mine.entrySet().removeIf(s -> {
                    if (s.getValue() > now) return false;
                    removeWatcher(s.getKey(), c);
                    return true;
                });
            }
        }
    }

    /** {@return how many (connection, user) subscriptions are held} */
    int size() {
        return byConnection.values().stream().mapToInt(Map::size).sum();
    }

    private void removeWatcher(UUID userId, Connection c) {
        byWatched.computeIfPresent(userId, (k, w) -> {
            w.remove(c);
            return w.isEmpty() ? null : w;
        });
    }
}
