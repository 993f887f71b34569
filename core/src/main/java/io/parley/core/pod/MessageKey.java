package io.parley.core.pod;

import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity of a message across pods: the pod that minted it and its UUIDv7. Replicas de-duplicate by it.
 *
 * @param originPod the pod id where the message was posted
 * @param messageId the id the origin pod minted, once
 */
public record MessageKey(String originPod, UUID messageId) implements Comparable<MessageKey> {
    private static final Comparator<MessageKey> ORDER =
            Comparator.comparing(MessageKey::originPod).thenComparing(MessageKey::messageId);

    public MessageKey {
        ReplicaOp.requirePod("originPod", originPod);
        Objects.requireNonNull(messageId, "messageId");
    }

    @Override
    public int compareTo(MessageKey o) {
        return ORDER.compare(this, o);
    }
}
