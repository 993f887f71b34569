package io.parley.core.chat;

import java.util.List;
import java.util.UUID;

/**
 * A message as a sender composed it, before it is authorised and stored.
 *
 * @param content the text; may be blank only when there are attachments
 * @param replyTo the message replied to (its thread), or null
 * @param attachments ids of the sender's uploads to attach (at most 10)
 * @param urgent spec 002 §3.7 priority: bypasses do-not-disturb and mute, limited per sender
 */
public record Draft(String content, UUID replyTo, List<UUID> attachments, boolean urgent) {
    public Draft {
        attachments = attachments == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(attachments));
    }

    /** {@return a plain text message} */
    public static Draft text(String content) {
        return new Draft(content, null, List.of(), false);
    }
}
