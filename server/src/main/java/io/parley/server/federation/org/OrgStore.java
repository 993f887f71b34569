package io.parley.server.federation.org;

import io.parley.core.files.FileInfo;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What org-shared channels keep in the database: orgs and their member pods, org channels and their local
 * mapping, the per-peer outbox cursors, shadow users of remote authors, parked inbound ops and the reaction
 * marks of remote users. Implemented over JDBC by {@code io.parley.server.store.SqlOrgStore}.
 */
public interface OrgStore {
    /** An org as this pod knows it. */
    record Org(String id, String name, String homePod, Instant createdAt) {}

    /**
     * An org-shared channel.
     *
     * @param chatId the local chat it is mapped to, or null until an admin maps it
     */
    record OrgChannel(String id, String orgId, String name, String offeredBy, boolean isPrivate, Instant createdAt, UUID chatId) {}

    /**
     * One entry of a chat's local log by a local user, with what the outbox needs to send it.
     *
     * @param threadRootPod the origin pod of the thread root, if the message is a reply
     */
    record LogEntry(long seq, String type, UUID messageId, UUID actorId, String emoji, long hlc, Instant at, UUID senderId,
                    String content, UUID threadRootId, String threadRootPod, String originPod, boolean deleted, String attachmentsJson) {}

    /**
     * A message of a chat as its final state, for the digest and the merged order.
     *
     * @param seq the local seq of its post: where it sits in this pod's log
     */
    record MessageRow(UUID id, String originPod, UUID senderId, String senderRemotePod, UUID senderRemoteId,
                      UUID threadRootId, String threadRootPod, long postedHlc, long hlc, String content, boolean deleted, long seq) {}

    /** A present reaction of a message. */
    record ReactionRow(UUID messageId, UUID userId, String userRemotePod, UUID userRemoteId, String emoji) {}

    /** An inbound op parked until the message it refers to arrives. */
    record Pending(UUID id, String orgChannelId, String originPod, UUID waitsFor, String op) {}

    void insertOrg(Org org);

    Optional<Org> org(String id);

    List<Org> orgs();

    /** Adds member pods (existing ones are kept); {@return how many were new} */
    int addMembers(String orgId, Set<String> pods, Instant at);

    /** {@return the org's member pods, this one included, sorted} */
    List<String> members(String orgId);

    /** Inserts the channel unless one with its id exists; {@return whether it was new} */
    boolean offerChannel(OrgChannel channel);

    Optional<OrgChannel> channel(String id);

    Optional<OrgChannel> channelOfChat(UUID chatId);

    List<OrgChannel> channels();

    /** Maps the channel to a local chat. {@return false if it was mapped already} */
    boolean map(String orgChannelId, UUID chatId);

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

    /** {@return the origin seq through which an origin's batches of the channel are applied here in order, if noted} */
    java.util.OptionalLong appliedThrough(String originPod, String orgChannelId);

    /** Raises the origin's applied mark of the channel to {@code seq} (never lowers it). */
    void markApplied(String originPod, String orgChannelId, long seq, Instant at);

    /** {@return the greatest client id of the chat's log between {@code from} and {@code to}, both included} */
    Optional<UUID> greatestClientId(UUID chatId, UUID from, UUID to);

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

    /** {@return the local user standing for a remote user, if there is one} */
    Optional<UUID> shadowOf(String pod, UUID remoteId);

    /**
     * Makes (or updates the name of) the shadow user of a remote user: handle {@code handle@pod}, no password,
     * no workspace. {@return its local id}
     */
    UUID ensureShadow(String pod, UUID remoteId, String handle, String displayName, Instant at);

    /** {@return the remote pod of a shadow user, if the user is one} */
    Optional<String> remotePodOf(UUID userId);

    void park(Pending op, Instant at);

    /** Removes and {@return the ops waiting for this message, oldest first} */
    List<Pending> unpark(UUID messageId);

    /** {@return the hlc of the last op on a remote user's reaction, or -1 if none} */
    long reactionMark(UUID messageId, UUID userId, String emoji);

    void setReactionMark(UUID messageId, UUID userId, String emoji, boolean present, long hlc);

    /** {@return which of these message ids parked ops wait for (a read: most batches park nothing)} */
    java.util.Set<UUID> awaited(java.util.Collection<UUID> messageIds);

    /** {@return which of these message ids are stored here (in any chat, tombstones included): one query per few hundred ids} */
    java.util.Set<UUID> presentMessages(java.util.Collection<UUID> ids);

    /** {@return every message of the chat (replies and tombstones included) as it stands} */
    List<MessageRow> messages(UUID chatId);

    /** {@return the present reactions of the chat's messages} */
    List<ReactionRow> reactions(UUID chatId);

    /** {@return the ids of the chat's top-level messages in the merged order (posted hlc, origin pod, id), the latest {@code limit}} */
    List<UUID> mergedOrder(UUID chatId, int limit);

    /** {@return the files with these ids (any state)}: what an outbound post says of its attachments */
    List<FileInfo> files(Collection<UUID> ids);

    /**
     * Stores the metadata of a remote message's file (unattached; the post claims it) unless a row with its id exists.
     * {@return whether the row is there and claimable by this post: a remote file of {@code file.originPod()}, of the same
     * uploader and workspace, not attached nor deleted} (an id colliding with any other file is never taken over)
     */
    boolean insertRemoteFile(FileInfo file);

    /** Notes that a peer maps an org channel (it said so, or applied a batch of it). */
    void markMapped(String peer, String orgChannelId, Instant at);

    /** {@return whether the peer is known to map the org channel} */
    boolean peerMaps(String peer, String orgChannelId);

    /** {@return the mapped org chats in which the user posted or reacted} (where a remote author is seen) */
    Set<UUID> orgChatsOf(UUID userId);

    /**
     * Takes or renews a lease until {@code until}: it is taken if free, expired (before {@code now}) or held by
     * {@code holder} already. {@return whether {@code holder} holds it now}
     */
    boolean acquireLease(String name, String holder, Instant now, Instant until);

    /** Gives the lease up if {@code holder} holds it (a clean stop: another node need not wait for it to expire). */
    void releaseLease(String name, String holder);
}
