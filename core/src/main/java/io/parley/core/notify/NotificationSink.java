package io.parley.core.notify;

import java.time.Instant;
import java.util.UUID;

/** Where the evaluator's output for connected users goes: the gateway's sessions on this node. */
public interface NotificationSink {
    /** A chat's counts and the user's totals ({@code notification.badge}). */
    record Badge(UUID workspaceId, UUID chatId, int unreadCount, int mentionCount, long lastReadSeq,
                 int totalUnread, int totalMentions) {}

    /**
     * An in-app notification ({@code notification.toast}); {@code count} > 1 for a grouped toast, which
     * points at the latest message.
     */
    record Toast(UUID id, String title, String body, UUID workspaceId, UUID chatId, UUID messageId,
                 Notification.Priority priority, boolean sound, int count, Instant timestamp) {}

    /** {@return whether the user has a live session on this node} */
    boolean online(UUID userId);

    /** Sends a badge update to every session of the user. */
    void badge(UUID userId, Badge badge);

    /** Sends a toast to the user's sessions that do not have its chat focused. */
    void toast(UUID userId, Toast toast);
}
