package io.parley.server.store;

import io.parley.core.files.FileInfo;
import io.parley.server.federation.org.OrgStore;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * {@link OrgStore} over JDBC: each method one transaction over the org tables, whose statements live in one class per
 * table ({@link OrgsTable}, {@link OrgMembersTable}, {@link OrgChannelsTable}, {@link OrgCursorsTable},
 * {@link OrgInboundMarksTable}, {@link OrgRemoteUsersTable}, {@link OrgPendingTable}, {@link OrgReactionMarksTable},
 * {@link OrgPeerMappingsTable}, {@link OrgLeasesTable}, and {@link FilesTable} for remote files), and the reads of the
 * chat log the outbox and the digest need ({@link OrgLogReads}).
 */
final class SqlOrgStore implements OrgStore {
    private final Db db;

    SqlOrgStore(Db db) {
        this.db = db;
    }

    // ---- orgs and channels ----

    @Override
    public void insertOrg(Org org) {
        db.write(c -> {
            OrgsTable.insert(c, org);
            return null;
        });
    }

    @Override
    public Optional<Org> org(String id) {
        return db.read(c -> OrgsTable.byId(c, id));
    }

    @Override
    public List<Org> orgs() {
        return db.read(OrgsTable::all);
    }

    @Override
    public int addMembers(String orgId, Set<String> pods, Instant at) {
        return db.write(c -> OrgMembersTable.add(c, orgId, pods, at));
    }

    @Override
    public List<String> members(String orgId) {
        return db.read(c -> OrgMembersTable.ofOrg(c, orgId));
    }

    @Override
    public boolean offerChannel(OrgChannel ch) {
        return db.write(c -> OrgChannelsTable.insert(c, ch));
    }

    @Override
    public Optional<OrgChannel> channel(String id) {
        return db.read(c -> OrgChannelsTable.byId(c, id));
    }

    @Override
    public Optional<OrgChannel> channelOfChat(UUID chatId) {
        return db.read(c -> OrgChannelsTable.byChat(c, chatId));
    }

    @Override
    public List<OrgChannel> channels() {
        return db.read(OrgChannelsTable::all);
    }

    @Override
    public boolean map(String orgChannelId, UUID chatId) {
        return db.write(c -> OrgChannelsTable.map(c, orgChannelId, chatId));
    }

    @Override
    public Set<UUID> orgChatsOf(UUID userId) {
        return db.read(c -> new HashSet<>(OrgChannelsTable.chatsOfUser(c, userId)));
    }

    @Override
    public void markMapped(String peer, String orgChannelId, Instant at) {
        db.write(c -> {
            OrgPeerMappingsTable.insert(c, peer, orgChannelId, at);
            return null;
        });
    }

    @Override
    public boolean peerMaps(String peer, String orgChannelId) {
        return db.read(c -> OrgPeerMappingsTable.exists(c, peer, orgChannelId));
    }

    // ---- outbox cursors and inbound marks ----

    @Override
    public long cursor(String peer, String orgChannelId) {
        return db.read(c -> OrgCursorsTable.cursor(c, peer, orgChannelId));
    }

    @Override
    public long sent(String peer, String orgChannelId) {
        return db.read(c -> OrgCursorsTable.sent(c, peer, orgChannelId));
    }

    @Override
    public void advance(String peer, String orgChannelId, long seq, long sentSeq, Instant at) {
        db.write(c -> {
            OrgCursorsTable.advance(c, peer, orgChannelId, seq, sentSeq, at);
            return null;
        });
    }

    @Override
    public void rewind(String peer, String orgChannelId, long seq, Instant at) {
        db.write(c -> {
            OrgCursorsTable.rewind(c, peer, orgChannelId, seq, at);
            return null;
        });
    }

    @Override
    public OptionalLong appliedThrough(String originPod, String orgChannelId) {
        return db.read(c -> OrgInboundMarksTable.appliedThrough(c, originPod, orgChannelId));
    }

    @Override
    public void markApplied(String originPod, String orgChannelId, long seq, Instant at) {
        db.write(c -> {
            OrgInboundMarksTable.mark(c, originPod, orgChannelId, seq, at);
            return null;
        });
    }

    // ---- the chat log ----

    @Override
    public Optional<UUID> greatestClientId(UUID chatId, UUID from, UUID to) {
        return db.read(c -> OrgLogReads.greatestClientId(c, chatId, from, to));
    }

    @Override
    public LogPage logAfter(UUID chatId, long afterSeq, int limit) {
        return db.read(c -> OrgLogReads.logAfter(c, chatId, afterSeq, limit));
    }

    @Override
    public long lastSeq(UUID chatId) {
        return db.read(c -> OrgLogReads.lastSeq(c, chatId));
    }

    @Override
    public Set<UUID> presentMessages(Collection<UUID> ids) {
        if (ids.isEmpty()) return new HashSet<>();
        return db.read(c -> OrgLogReads.presentMessages(c, ids));
    }

    @Override
    public List<MessageRow> messages(UUID chatId) {
        return db.read(c -> OrgLogReads.messages(c, chatId));
    }

    @Override
    public List<ReactionRow> reactions(UUID chatId) {
        return db.read(c -> OrgLogReads.reactions(c, chatId));
    }

    @Override
    public List<UUID> mergedOrder(UUID chatId, int limit) {
        return db.read(c -> OrgLogReads.mergedOrder(c, chatId, limit));
    }

    // ---- remote authors, parked ops, reaction marks ----

    @Override
    public Optional<UUID> shadowOf(String pod, UUID remoteId) {
        return db.read(c -> OrgRemoteUsersTable.shadowOf(c, pod, remoteId));
    }

    @Override
    public UUID ensureShadow(String pod, UUID remoteId, String handle, String displayName, Instant at) {
        return db.write(c -> OrgRemoteUsersTable.ensure(c, pod, remoteId, handle, displayName, at));
    }

    @Override
    public Optional<String> remotePodOf(UUID userId) {
        return db.read(c -> OrgRemoteUsersTable.podOf(c, userId));
    }

    @Override
    public void park(Pending op, Instant at) {
        db.write(c -> {
            OrgPendingTable.insert(c, op, at);
            return null;
        });
    }

    @Override
    public List<Pending> unpark(UUID messageId) {
        return db.write(c -> OrgPendingTable.take(c, messageId));
    }

    @Override
    public Set<UUID> awaited(Collection<UUID> messageIds) {
        if (messageIds.isEmpty()) return new HashSet<>();
        return db.read(c -> OrgPendingTable.awaited(c, messageIds));
    }

    @Override
    public long reactionMark(UUID messageId, UUID userId, String emoji) {
        return db.read(c -> OrgReactionMarksTable.hlc(c, messageId, userId, emoji));
    }

    @Override
    public void setReactionMark(UUID messageId, UUID userId, String emoji, boolean present, long hlc) {
        db.write(c -> {
            OrgReactionMarksTable.set(c, messageId, userId, emoji, present, hlc);
            return null;
        });
    }

    // ---- remote files ----

    @Override
    public List<FileInfo> files(Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read(c -> FilesTable.byIds(c, ids));
    }

    @Override
    public boolean insertRemoteFile(FileInfo f) {
        if (f.originPod() == null) throw new IllegalArgumentException("not a remote file");
        return db.write(c -> {
            Optional<FileInfo> existing = FilesTable.byId(c, f.id());
            if (existing.isEmpty()) {
                FilesTable.insert(c, f);
                return true;
            }
            FileInfo e = existing.get();
            return f.originPod().equals(e.originPod()) && e.uploaderId().equals(f.uploaderId())
                    && e.workspaceId().equals(f.workspaceId()) && !e.attached() && !e.deleted();
        });
    }

    // ---- the delivery lease ----

    @Override
    public boolean acquireLease(String name, String holder, Instant now, Instant until) {
        return db.write(c -> OrgLeasesTable.acquire(c, name, holder, now, until));
    }

    @Override
    public void releaseLease(String name, String holder) {
        db.write(c -> {
            OrgLeasesTable.release(c, name, holder);
            return null;
        });
    }
}
