package io.parley.core.chat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A message as it stands now. {@code seq} is the sequence number of the event that created it;
 * later edits, deletes and reactions are events of their own. A deleted message is a tombstone:
 * its content is gone and {@code deletedAt} is set. Thread roots carry {@code replyCount},
 * {@code latestReplyAt} and {@code replyUsers}; replies carry {@code threadRootId}.
 *
 * @param clientMsgId the frame id the sender used (idempotency key)
 * @param originPod the pod that minted the id and first stored the message
 * @param hlc the Hybrid Logical Clock stamp of the latest change (creation or edit)
 * @param attachments the files attached when it was posted (empty for a tombstone: they go with the message)
 * @param bot how an integration asked to be shown, when one posted it; else null
 */
public record Message(UUID id, UUID chatId, long seq, UUID senderId, UUID clientMsgId, String content,
                      UUID threadRootId, int replyCount, Instant latestReplyAt, List<UUID> replyUsers,
                      Mentions mentions, List<Reaction> reactions, Instant createdAt, Instant editedAt,
                      Instant deletedAt, String originPod, long hlc, List<Attachment> attachments, BotProfile bot) {
    /** Longest content accepted, in characters. */
    public static final int MAX_CONTENT = 40_000;

    public Message {
        replyUsers = replyUsers == null ? List.of() : List.copyOf(replyUsers);
        reactions = reactions == null ? List.of() : List.copyOf(reactions);
        mentions = mentions == null ? Mentions.NONE : mentions;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** {@return whether this message is a tombstone} */
    public boolean deleted() { return deletedAt != null; }

    /** {@return this message with another reaction set} */
    public Message withReactions(List<Reaction> newReactions) {
        return new Message(id, chatId, seq, senderId, clientMsgId, content, threadRootId, replyCount, latestReplyAt,
                replyUsers, mentions, newReactions, createdAt, editedAt, deletedAt, originPod, hlc, attachments, bot);
    }
}
