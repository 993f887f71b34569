package io.parley.core.notify;

import java.util.Optional;
import java.util.UUID;

/** Durable notification preferences: one global row per user, one row per (user, chat) override. */
public interface PreferenceStore {
    Optional<NotificationPrefs.Global> global(UUID userId);

    void saveGlobal(UUID userId, NotificationPrefs.Global prefs);

    Optional<NotificationPrefs.ChatPrefs> chat(UUID userId, UUID chatId);

    void saveChat(UUID userId, UUID chatId, NotificationPrefs.ChatPrefs prefs);
}
