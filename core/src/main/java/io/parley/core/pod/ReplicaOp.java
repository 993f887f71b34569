package io.parley.core.pod;

import java.util.Objects;

/**
 * One write to a replicated channel log, as it travels between pods. Every op names the message it touches,
 * the pod that made the write and that pod's HLC stamp; applying ops in any order, any number of times,
 * gives the same {@link MessageReplica} (see there for the rules).
 */
public sealed interface ReplicaOp {
    /** {@return the message this op touches} */
    MessageKey key();

    /** {@return the pod that made this write} */
    String pod();

    /** {@return the writer's HLC stamp} */
    long hlc();

    /** {@return the (hlc, pod) this write is ordered by} */
    default Stamp stamp() {
        return new Stamp(hlc(), pod());
    }

    /**
     * A new message, made on its origin pod (so {@code pod} is {@code key.originPod()}).
     *
     * @param threadRoot the thread's root message, or null for a top-level message
     */
    record Post(MessageKey key, String pod, long hlc, String author, MessageKey threadRoot, String content) implements ReplicaOp {
        public Post {
            Objects.requireNonNull(key, "key");
            requirePod("pod", pod);
            requireHlc(hlc);
            if (!pod.equals(key.originPod())) throw new IllegalArgumentException("a post is made by the message's origin pod");
            requireNonBlank("author", author);
            Objects.requireNonNull(content, "content");
            if (key.equals(threadRoot)) throw new IllegalArgumentException("a message cannot be its own thread root");
        }
    }

    /** New content for a message; the last writer by (hlc, pod) wins, unless the message is deleted. */
    record Edit(MessageKey key, String pod, long hlc, String content) implements ReplicaOp {
        public Edit {
            Objects.requireNonNull(key, "key");
            requirePod("pod", pod);
            requireHlc(hlc);
            Objects.requireNonNull(content, "content");
        }
    }

    /** Deletes a message for good: the tombstone wins over every edit, older or newer. */
    record Delete(MessageKey key, String pod, long hlc) implements ReplicaOp {
        public Delete {
            Objects.requireNonNull(key, "key");
            requirePod("pod", pod);
            requireHlc(hlc);
        }
    }

    /** Adds ({@code add}) or removes a user's reaction; per (user, emoji) the last writer by (hlc, pod) wins. */
    record React(MessageKey key, String pod, long hlc, String user, String emoji, boolean add) implements ReplicaOp {
        public React {
            Objects.requireNonNull(key, "key");
            requirePod("pod", pod);
            requireHlc(hlc);
            requireNonBlank("user", user);
            requireNonBlank("emoji", emoji);
        }
    }

    private static void requireHlc(long hlc) {
        if (hlc < 0) throw new IllegalArgumentException("hlc must not be negative");
    }

    static void requirePod(String field, String pod) {
        requireNonBlank(field, pod);
    }

    private static void requireNonBlank(String field, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(field + " is required");
    }
}
