package io.parley.core.chat;

import java.util.List;
import java.util.UUID;

/**
 * One chat's answer to a gap-fill request: the events after the client's last known seq, in seq
 * order. {@code tooLarge} means the gap exceeds {@link MessageService#MAX_SYNC_GAP}: the client
 * drops its cache of the chat and reloads history instead.
 *
 * @param cursor the seq of the last event returned; ask again from it while {@code hasMore}
 */
public record SyncResult(UUID chatId, List<ChatEvent> events, boolean hasMore, long cursor, boolean tooLarge) {
    public SyncResult {
        events = List.copyOf(events);
    }
}
