package io.parley.server.wire;

import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A message on the wire, identical over WebSocket and REST. A tombstone has {@code deleted: true} and no content.
 * {@code attachments} is absent when the message has no files; {@code bot} only on an integration's post
 * (its {@code senderId} is then the integration's id, not a user's).
 */
public record MessageView(UUID id, UUID chatId, long seq, UUID senderId, UUID clientMsgId, String content,
                          UUID threadRootId, int replyCount, Instant latestReplyAt, List<UUID> replyUsers,
                          MentionsView mentions, List<ReactionView> reactions, Instant createdAt, Instant editedAt,
                          boolean deleted, Instant deletedAt, String originPod, String hlc,
                          List<AttachmentView> attachments, BotView bot) {

    /** Mentions as parsed from the content. */
    public record MentionsView(List<String> handles, boolean channel, boolean here) {}

    /** One emoji and who reacted with it. */
    public record ReactionView(String emoji, int count, List<UUID> users) {
        static ReactionView of(Reaction r) {
            return new ReactionView(r.emoji(), r.count(), r.users());
        }
    }

    public static MessageView of(Message m) {
        return new MessageView(m.id(), m.chatId(), m.seq(), m.senderId(), m.clientMsgId(),
                m.deleted() ? null : m.content(), m.threadRootId(), m.replyCount(), m.latestReplyAt(), m.replyUsers(),
                new MentionsView(m.mentions().handles(), m.mentions().channel(), m.mentions().here()),
                m.reactions().stream().map(ReactionView::of).toList(), m.createdAt(), m.editedAt(), m.deleted(),
                m.deletedAt(), m.originPod(), Long.toString(m.hlc()),
                m.attachments().isEmpty() ? null : m.attachments().stream().map(AttachmentView::of).toList(), BotView.of(m.bot()));
    }
}
