package io.parley.server.gateway;

import io.parley.core.bus.Bus;
import io.parley.core.bus.Topic;
import io.parley.core.store.ChatStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which chats this node must hear about on a selective (pod) bus: exactly the chats of the users
 * connected here, plus each such user's own topic.
 *
 * <p>Bookkeeping. Each user holds one reference per local connection (taken on the upgrade's virtual
 * thread, before the handshake, so the interest is in place before the client's first {@code sync});
 * the first reference reads the user's chats from the store and watches every chat not yet watched.
 * A chat is watched while at least one local user who is a member holds it; joins and leaves of
 * local users adjust it. Every change happens under this object's monitor, bus calls included, so a
 * watch and an unwatch of one subject can never pass each other.
 *
 * <p>Starting point. When a chat starts being watched the store's last seq is read first and handed
 * to the {@link ChatLanes} as "delivered up to here": anything committed after that read reaches the node either
 * on the bus or, if it was published before the subscription took effect, through the lanes' gap repair
 * (on the next event, or the periodic catch-up against the store).
 */
final class ChatInterest {
    /** What the chat lanes learn when interest changes. */
    interface Listener {
        /** The node now watches these chats, whose events up to the given seqs are already in the store. */
        void started(Map<UUID, Long> lastSeqs);

        /** The node no longer watches these chats (no local member is connected). */
        void stopped(Set<UUID> chatIds);
    }

    private final Bus bus;
    private final ChatStore chats;
    private final Listener listener;
    private final Map<UUID, Integer> holds = new HashMap<>();
    private final Map<UUID, Set<UUID>> chatsByUser = new HashMap<>();
    private final Map<UUID, Set<UUID>> usersByChat = new HashMap<>();
    /** The keys of {@link #usersByChat}, readable without the monitor (the bus thread asks for every event). */
    private final Set<UUID> watchedChats = ConcurrentHashMap.newKeySet();

    ChatInterest(Bus bus, ChatStore chats, Listener listener) {
        this.bus = bus;
        this.chats = chats;
        this.listener = listener;
    }

    /** A connection of the user is about to open here (blocking: reads the store, waits for the broker). */
    synchronized void acquire(UUID userId) {
        int n = holds.merge(userId, 1, Integer::sum);
        if (n > 1) return;
        Map<UUID, Long> seqs = chats.lastSeqsOf(userId);
        chatsByUser.put(userId, new HashSet<>(seqs.keySet()));
        List<Topic> topics = new ArrayList<>();
        topics.add(new Topic.User(userId));
        Map<UUID, Long> started = new HashMap<>();
        for (var e : seqs.entrySet()) {
            Set<UUID> users = usersByChat.computeIfAbsent(e.getKey(), k -> new HashSet<>());
            users.add(userId);
            if (users.size() == 1) {
                watchedChats.add(e.getKey());
                topics.add(new Topic.Chat(e.getKey()));
                started.put(e.getKey(), e.getValue());
            }
        }
        listener.started(started);
        bus.watch(topics);
    }

    /** A connection of the user closed here (or never opened). */
    synchronized void release(UUID userId) {
        Integer n = holds.get(userId);
        if (n == null) return;
        if (n > 1) {
            holds.put(userId, n - 1);
            return;
        }
        holds.remove(userId);
        List<Topic> topics = new ArrayList<>();
        topics.add(new Topic.User(userId));
        Set<UUID> stopped = new HashSet<>();
        for (UUID chat : chatsByUser.remove(userId)) {
            if (dropMember(chat, userId)) {
                topics.add(new Topic.Chat(chat));
                stopped.add(chat);
            }
        }
        bus.unwatch(topics);
        listener.stopped(stopped);
    }

    /**
     * A user joined a chat: watch it if they are connected here and it is not watched yet, from the seq the chat
     * had when they joined — an event committed between the join and this subscription is then still delivered
     * (the lanes' gap repair fetches it), which starting from the store's current seq would skip.
     */
    synchronized void joined(UUID userId, UUID chatId, long sinceSeq) {
        Set<UUID> mine = chatsByUser.get(userId);
        if (mine == null || !mine.add(chatId)) return;
        Set<UUID> users = usersByChat.computeIfAbsent(chatId, k -> new HashSet<>());
        users.add(userId);
        if (users.size() > 1) return;
        watchedChats.add(chatId);
        listener.started(Map.of(chatId, Math.max(0, sinceSeq)));
        bus.watch(List.of(new Topic.Chat(chatId)));
    }

    /** A user left a chat: stop watching it if they were its last member connected here. */
    synchronized void left(UUID userId, UUID chatId) {
        Set<UUID> mine = chatsByUser.get(userId);
        if (mine == null || !mine.remove(chatId)) return;
        if (dropMember(chatId, userId)) {
            bus.unwatch(List.of(new Topic.Chat(chatId)));
            listener.stopped(Set.of(chatId));
        }
    }

    /** {@return whether a user holds interest here} */
    synchronized boolean holds(UUID userId) {
        return holds.containsKey(userId);
    }

    /** {@return whether the node watches a chat} (lock-free) */
    boolean watches(UUID chatId) {
        return watchedChats.contains(chatId);
    }

    /** {@return the chats the node watches} (a copy) */
    Set<UUID> watched() {
        return Set.copyOf(watchedChats);
    }

    /** {@return true if the chat has no local member left} */
    private boolean dropMember(UUID chatId, UUID userId) {
        Set<UUID> users = usersByChat.get(chatId);
        if (users == null) return false;
        users.remove(userId);
        if (!users.isEmpty()) return false;
        usersByChat.remove(chatId);
        watchedChats.remove(chatId);
        return true;
    }
}
