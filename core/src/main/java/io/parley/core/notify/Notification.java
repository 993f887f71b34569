package io.parley.core.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * A notification for one user about one message, as the evaluator decided it (spec 002 §3.2, §3.4):
 * the toast or push text, where it points, and its priority. Body text is already truncated.
 */
public record Notification(UUID userId, UUID workspaceId, UUID chatId, UUID messageId, String title, String body,
                           Priority priority, Instant at) {
    /** Normal notifications respect DND and mute; urgent ones do not (spec 002 §3.7). */
    public enum Priority { NORMAL, URGENT }
}
