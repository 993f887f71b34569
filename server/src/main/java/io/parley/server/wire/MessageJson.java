package io.parley.server.wire;

import io.parley.core.chat.Attachment;
import io.parley.core.chat.BotProfile;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;

import java.util.List;
import java.util.UUID;

/**
 * Writes a message with {@link JsonBytes}: the same object {@link MessageView} serialises to (same
 * fields, same order, nulls left out), without data binding. This is the hot path of every live
 * event; a test holds the two forms equal.
 */
public final class MessageJson {
    private MessageJson() {}

    public static void write(JsonBytes j, Message m) {
        j.startObject()
                .field("id", m.id())
                .field("chatId", m.chatId())
                .field("seq", m.seq())
                .field("senderId", m.senderId())
                .field("clientMsgId", m.clientMsgId())
                .field("content", m.deleted() ? null : m.content())
                .field("threadRootId", m.threadRootId())
                .field("replyCount", m.replyCount())
                .field("latestReplyAt", m.latestReplyAt());
        uuids(j.field("replyUsers"), m.replyUsers());
        Mentions mentions = m.mentions();
        j.field("mentions").startObject().field("handles").startArray();
        for (String h : mentions.handles()) j.string(h);
        j.endArray().field("channel", mentions.channel()).field("here", mentions.here()).endObject();
        reactions(j, m.reactions());
        j.field("createdAt", m.createdAt())
                .field("editedAt", m.editedAt())
                .field("deleted", m.deleted())
                .field("deletedAt", m.deletedAt())
                .field("originPod", m.originPod())
                .field("hlc", Long.toString(m.hlc()));
        if (!m.attachments().isEmpty()) {
            j.field("attachments").startArray();
            for (Attachment a : m.attachments()) attachment(j, a);
            j.endArray();
        }
        BotProfile bot = m.bot();
        if (bot != null) {
            j.field("bot").startObject().field("name", bot.name()).field("iconEmoji", bot.iconEmoji())
                    .field("iconUrl", bot.iconUrl()).endObject();
        }
        j.endObject();
    }

    /** Writes one {@link AttachmentView} (without {@code createdAt}, as on a message). */
    private static void attachment(JsonBytes j, Attachment a) {
        j.startObject().field("id", a.id()).field("name", a.name()).field("contentType", a.contentType())
                .field("size", a.size());
        size(j, "image", AttachmentView.image(a));
        size(j, "thumbnail", AttachmentView.thumbnail(a));
        j.endObject();
    }

    private static void size(JsonBytes j, String name, AttachmentView.Size s) {
        if (s != null) j.field(name).startObject().field("width", s.width()).field("height", s.height()).endObject();
    }

    /** Writes {@code "reactions":[{emoji,count,users}]} as {@link MessageView.ReactionView}s. */
    public static void reactions(JsonBytes j, List<Reaction> reactions) {
        j.field("reactions").startArray();
        for (Reaction r : reactions) {
            j.startObject().field("emoji", r.emoji()).field("count", r.count());
            uuids(j.field("users"), r.users());
            j.endObject();
        }
        j.endArray();
    }

    private static void uuids(JsonBytes j, List<UUID> ids) {
        j.startArray();
        for (UUID id : ids) j.uuid(id);
        j.endArray();
    }
}
