package io.parley.core.notify;

import java.util.List;
import java.util.UUID;

/**
 * Unread and mention counts derived from the log and the read watermark, never stored, so they cannot
 * drift: unread = top-level, non-deleted messages by others with seq above the watermark; mentions = those
 * of them that mention the user (@handle, @channel, @here).
 */
public interface UnreadStore {
    /**
     * One chat's counts for a user.
     *
     * @param chatSeq the chat's last seq when counted: events up to it are included
     */
    record UnreadCount(UUID workspaceId, UUID chatId, long lastReadSeq, long chatSeq, int unread, int mentions) {}

    /** {@return the counts of every chat the user is a member of (chats with nothing unread included)} */
    List<UnreadCount> unread(UUID userId);

    /** {@return one chat's counts for a member, or zeros with a null workspace id if not a member} */
    UnreadCount unread(UUID userId, UUID chatId);
}
