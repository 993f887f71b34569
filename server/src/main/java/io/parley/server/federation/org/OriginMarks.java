package io.parley.server.federation.org;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Each origin's place in this pod's log of a channel: how far its batches are applied in order, and the client ids
 * its ops took. One of the ports {@link OrgStore} is made of (issue 17 §3).
 */
public interface OriginMarks {
    /** {@return the origin seq through which an origin's batches of the channel are applied here in order, if noted} */
    java.util.OptionalLong appliedThrough(String originPod, String orgChannelId);

    /** Raises the origin's applied mark of the channel to {@code seq} (never lowers it). */
    void markApplied(String originPod, String orgChannelId, long seq, Instant at);

    /** {@return the greatest client id of the chat's log between {@code from} and {@code to}, both included} */
    Optional<UUID> greatestClientId(UUID chatId, UUID from, UUID to);
}
