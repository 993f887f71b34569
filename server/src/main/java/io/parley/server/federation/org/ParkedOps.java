package io.parley.server.federation.org;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Inbound ops parked until the message they refer to arrives. One of the ports {@link OrgStore} is made of (issue
 * 17 §3).
 */
public interface ParkedOps {
    /** An inbound op parked until the message it refers to arrives. */
    record Pending(UUID id, String orgChannelId, String originPod, UUID waitsFor, String op) {}

    void park(Pending op, Instant at);

    /** Removes and {@return the ops waiting for this message, oldest first} */
    List<Pending> unpark(UUID messageId);

    /** {@return which of these message ids parked ops wait for (a read: most batches park nothing)} */
    java.util.Set<UUID> awaited(java.util.Collection<UUID> messageIds);
}
