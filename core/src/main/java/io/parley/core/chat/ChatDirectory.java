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

    /** {@return the ids of the chat's members (an immutable snapshot)} */
    public Set<UUID> members(UUID chatId) {
        return membersByChat.computeIfAbsent(chatId, id -> Set.copyOf(chats.memberIds(id)));
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
            case BusEvent.MembershipChanged m -> membersByChat.remove(m.chatId());
            case BusEvent.ChatChanged c -> invalidate(c.chatId());
            case BusEvent.Committed c -> { }
            case BusEvent.ReadMarked r -> { }
            case BusEvent.SessionsRevoked s -> { }
            case BusEvent.TypingChanged t -> { }
            case BusEvent.PresenceChanged p -> { }
            case BusEvent.UrgentPosted u -> { }
        }
    }
}
