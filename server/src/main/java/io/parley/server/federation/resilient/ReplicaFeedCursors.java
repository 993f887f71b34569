package io.parley.server.federation.resilient;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The replica feed on the primary (or an acting primary): the chat log it reads and a cursor per replica; and the
 * org outbox cursor a reconciliation resets. One of the ports {@link ResilientStore} is made of (issue 17 §3).
 */
public interface ReplicaFeedCursors {
    /** An entry of the primary's chat log with the author's home identity, for the replica feed. */
    record FeedEntry(long seq, String type, UUID messageId, UUID actorId, String actorHandle, String actorName, String actorRemotePod,
                     UUID actorRemoteId, String emoji, long hlc, Instant at, String content, UUID threadRootId, String threadRootPod,
                     String originPod, boolean deleted) {}

    long cursor(String orgChannelId, String pod);

    /** {@return the feed's cursor of every replica this pod feeds the channel to, by pod} */
    Map<String, Long> cursors(String orgChannelId);

    void advance(String orgChannelId, String pod, long seq);

    /** Starts a replica's feed over (it accepted the channel anew, holding nothing). */
    void resetCursor(String orgChannelId, String pod);

    /** Resets the org outbox cursor of a peer for a channel, so the outbox sends it this pod's ops again from the start. */
    void resetOrgCursor(String peer, String orgChannelId);

    /** {@return the chat's log after {@code afterSeq}, every op (remote users' too), at most {@code limit}} */
    List<FeedEntry> feed(UUID chatId, long afterSeq, int limit);
}
