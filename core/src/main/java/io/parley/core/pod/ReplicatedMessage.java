package io.parley.core.pod;

import io.parley.core.id.HybridClock;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message as every replica of a channel shows it, once merged.
 *
 * @param key the message
 * @param author who posted it
 * @param threadRoot the thread's root, or null for a top-level message
 * @param createdHlc the post's HLC stamp, the first key of the channel's order
 * @param content the text, or null if the message is deleted
 * @param deleted whether the message is deleted
 * @param edited whether the content is from an edit rather than the post
 * @param reactions users by emoji, both sorted; only reactions currently present
 */
public record ReplicatedMessage(MessageKey key, String author, MessageKey threadRoot, long createdHlc, String content,
                                boolean deleted, boolean edited, Map<String, List<String>> reactions) {

    /** {@return the wall-clock time of the post} */
    public Instant createdAt() {
        return Instant.ofEpochMilli(HybridClock.millisOf(createdHlc));
    }
}
