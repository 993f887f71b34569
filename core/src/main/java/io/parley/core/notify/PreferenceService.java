package io.parley.core.notify;

import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatService;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and writes notification preferences. The evaluator asks for every recipient of every message,
 * so answers are cached in memory (defaults included) and replaced on write; a multi-node deployment
 * must also drop entries on a bus event (issue 6).
 */
public final class PreferenceService {
    private record ChatKey(UUID userId, UUID chatId) {}

    private final PreferenceStore store;
    private final ChatService chats;
    private final ConcurrentHashMap<UUID, NotificationPrefs.Global> globals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ChatKey, NotificationPrefs.ChatPrefs> overrides = new ConcurrentHashMap<>();
    /** Marks "no override stored" in the cache. */
    private static final NotificationPrefs.ChatPrefs NONE = new NotificationPrefs.ChatPrefs(NotificationPrefs.Level.OFF, false, true);

    public PreferenceService(PreferenceStore store, ChatService chats) {
        this.store = store;
        this.chats = chats;
    }

    /** {@return the user's global preferences (defaults when never set)} */
    public NotificationPrefs.Global global(UUID userId) {
        return globals.computeIfAbsent(userId, u -> store.global(u).orElse(NotificationPrefs.Global.DEFAULT));
    }

    public void saveGlobal(UUID userId, NotificationPrefs.Global prefs) {
        store.saveGlobal(userId, prefs);
        globals.put(userId, prefs);
    }

    /** {@return the effective preferences of a chat for a user: the override, or the default for its kind} */
    public NotificationPrefs.ChatPrefs effective(UUID userId, Chat chat) {
        NotificationPrefs.ChatPrefs p = overrides.computeIfAbsent(new ChatKey(userId, chat.id()),
                k -> store.chat(k.userId(), k.chatId()).orElse(NONE));
        if (p != NONE) return p;
        return chat.kind().isChannel() ? NotificationPrefs.ChatPrefs.CHANNEL_DEFAULT : NotificationPrefs.ChatPrefs.DM_DEFAULT;
    }

    /** {@return the caller's effective preferences for a chat they may read} */
    public NotificationPrefs.ChatPrefs chat(UUID userId, UUID chatId) {
        return effective(userId, chats.requireReadable(userId, chatId));
    }

    /** Stores the caller's override for a chat they may read. */
    public void saveChat(UUID userId, UUID chatId, NotificationPrefs.ChatPrefs prefs) {
        chats.requireReadable(userId, chatId);
        store.saveChat(userId, chatId, prefs);
        overrides.put(new ChatKey(userId, chatId), prefs);
    }
}
