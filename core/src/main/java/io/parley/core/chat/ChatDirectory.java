package io.parley.core.chat;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ParleyException;
import io.parley.core.store.ChatStore;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read-through cache of chats and their member sets, which the send and fan-out paths consult
 * for every message. Entries are dropped when the bus reports a change (from any node), so the
 * cache is at most one bus hop stale; writers invalidate their own node synchronously as well.
 */
public final class ChatDirectory implements Bus.Listener {
    private final ChatStore chats;
    private final ConcurrentHashMap<UUID, Chat> chatById = new ConcurrentHashMap<>();
    /** Member sets are concurrent sets updated in place by membership events (no reload per join). */
    private final ConcurrentHashMap<UUID, Set<UUID>> membersByChat = new ConcurrentHashMap<>();

    public ChatDirectory(ChatStore chats) {
        this.chats = chats;
    }

    /** {@return the chat} @throws ParleyException NOT_FOUND if there is none */
    public Chat chat(UUID chatId) {
        return find(chatId).orElseThrow(() -> ParleyException.notFound("no such chat"));
    }

    public Optional<Chat> find(UUID chatId) {
        Chat cached = chatById.get(chatId);
        if (cached != null) return Optional.of(cached);
        Optional<Chat> loaded = chats.byId(chatId);
        loaded.ifPresent(c -> chatById.put(chatId, c));
        return loaded;
    }

    /**
     * {@return the ids of the chat's members: a read-only live view, weakly consistent while members
     * join or leave}
     */
    public Set<UUID> members(UUID chatId) {
        return java.util.Collections.unmodifiableSet(membersByChat.computeIfAbsent(chatId, id -> {
            Set<UUID> set = ConcurrentHashMap.newKeySet();
            set.addAll(chats.memberIds(id));
            return set;
        }));
    }

    /**
     * Applies a committed join or leave to the cached member set, if the chat is cached. O(1): a
     * workspace of 10,000 joining #general must not reload the member list once per join.
     */
    public void memberChanged(UUID chatId, UUID userId, boolean joined) {
        membersByChat.computeIfPresent(chatId, (id, set) -> {
            if (joined) set.add(userId);
            else set.remove(userId);
            return set;
        });
    }

    public boolean isMember(UUID chatId, UUID userId) {
        return members(chatId).contains(userId);
    }

    /** Drops what is cached for a chat. */
    public void invalidate(UUID chatId) {
        chatById.remove(chatId);
        membersByChat.remove(chatId);
    }

    @Override
    public void onEvent(BusEvent event) {
        switch (event) {
            case BusEvent.MembershipChanged m -> memberChanged(m.chatId(), m.userId(), m.joined());
            case BusEvent.ChatChanged c -> invalidate(c.chatId());
            case BusEvent.Committed c -> { }
            case BusEvent.ReadMarked r -> { }
            case BusEvent.SessionsRevoked s -> { }
            case BusEvent.TypingChanged t -> { }
            case BusEvent.PresenceChanged p -> { }
            case BusEvent.OrgPeersChanged o -> { }
            case BusEvent.UrgentPosted u -> { }
        }
    }
}
