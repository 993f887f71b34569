package io.parley.server.federation.org;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The orgs this pod knows, their member pods, their channels and where each is mapped, here and on the peers. One
 * of the ports {@link OrgStore} is made of (issue 17 §3).
 */
public interface OrgDirectory {

    /** An org as this pod knows it. */
    record Org(String id, String name, String homePod, Instant createdAt) {}

    /**
     * An org-shared channel.
     *
     * @param chatId the local chat it is mapped to, or null until an admin maps it
     */
    record OrgChannel(String id, String orgId, String name, String offeredBy, boolean isPrivate, Instant createdAt, UUID chatId) {}

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

    /** Notes that a peer maps an org channel (it said so, or applied a batch of it). */
    void markMapped(String peer, String orgChannelId, Instant at);

    /** {@return whether the peer is known to map the org channel} */
    boolean peerMaps(String peer, String orgChannelId);
}
