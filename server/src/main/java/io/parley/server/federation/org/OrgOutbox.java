package io.parley.server.federation.org;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The per-peer outbox of org channels: a cursor and a sent mark per (peer, channel) over the chat log, and the log
 * pages the outbox reads. One of the ports {@link OrgStore} is made of (issue 17 §3).
 */
public interface OrgOutbox {
    /**
     * One entry of a chat's local log by a local user, with what the outbox needs to send it.
     *
     * @param threadRootPod the origin pod of the thread root, if the message is a reply
     */
    record LogEntry(long seq, String type, UUID messageId, UUID actorId, String emoji, long hlc, Instant at, UUID senderId,
                    String content, UUID threadRootId, String threadRootPod, String originPod, boolean deleted, String attachmentsJson) {}

    /** {@return the cursor of a peer for a channel: the last local seq sent, 0 if none} */
    long cursor(String peer, String orgChannelId);

    /**
     * {@return the seq of the last op of the last batch the peer answered applied for the channel, 0 if none}: what the
     * next batch names as its predecessor. Behind the cursor when the cursor moved over ops that were not sent.
     */
    long sent(String peer, String orgChannelId);

    /**
     * Moves the peer's cursor forward to {@code seq} and its {@link #sent} mark forward to {@code sentSeq} (0 for a
     * stretch of the log with nothing to send, which leaves it).
     */
    void advance(String peer, String orgChannelId, long seq, long sentSeq, Instant at);

    /** Moves the peer's cursor and sent mark back to {@code seq} if they are beyond it (the peer applied less). */
    void rewind(String peer, String orgChannelId, long seq, Instant at);

    /**
     * Entries of a chat's log this pod may have to send: those after {@code afterSeq} whose actor is not a remote
     * user (a remote user's op is its own pod's to send), in seq order. {@code scannedTo} is the seq the read covered:
     * the last entry's when {@code limit} were found, else the chat's last seq when the read began.
     */
    record LogPage(List<LogEntry> entries, long scannedTo) {}

    /** {@return the page of the chat's log after {@code afterSeq}, at most {@code limit} entries} (see {@link LogPage}) */
    LogPage logAfter(UUID chatId, long afterSeq, int limit);

    /** {@return the chat's last seq} */
    long lastSeq(UUID chatId);
}
