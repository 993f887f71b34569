package io.parley.server.federation.org;

import java.util.List;
import java.util.UUID;

/**
 * A chat as it stands, for digests, the merged order and what a batch finds already here. One of the ports {@link
 * OrgStore} is made of (issue 17 §3).
 */
public interface ChannelContent {
    /**
     * A message of a chat as its final state, for the digest and the merged order.
     *
     * @param seq the local seq of its post: where it sits in this pod's log
     */
    record MessageRow(UUID id, String originPod, UUID senderId, String senderRemotePod, UUID senderRemoteId,
                      UUID threadRootId, String threadRootPod, long postedHlc, long hlc, String content, boolean deleted, long seq) {}

    /** A present reaction of a message. */
    record ReactionRow(UUID messageId, UUID userId, String userRemotePod, UUID userRemoteId, String emoji) {}

    /** {@return which of these message ids are stored here (in any chat, tombstones included): one query per few hundred ids} */
    java.util.Set<UUID> presentMessages(java.util.Collection<UUID> ids);

    /** {@return every message of the chat (replies and tombstones included) as it stands} */
    List<MessageRow> messages(UUID chatId);

    /** {@return the present reactions of the chat's messages} */
    List<ReactionRow> reactions(UUID chatId);

    /** {@return the ids of the chat's top-level messages in the merged order (posted hlc, origin pod, id), the latest {@code limit}} */
    List<UUID> mergedOrder(UUID chatId, int limit);
}
