package io.parley.server.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes a message straight to a JSON generator: the same object {@link MessageView} serialises to
 * (same fields, same order, nulls left out), without the reflection and maps of data binding. This
 * is the hot path of every live event; a test holds the two forms equal.
 */
public final class MessageJson {
    private MessageJson() {}

    public static void write(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        uuid(g, "id", m.id());
        uuid(g, "chatId", m.chatId());
        g.writeNumberField("seq", m.seq());
        uuid(g, "senderId", m.senderId());
        uuid(g, "clientMsgId", m.clientMsgId());
        if (!m.deleted() && m.content() != null) g.writeStringField("content", m.content());
        uuid(g, "threadRootId", m.threadRootId());
        g.writeNumberField("replyCount", m.replyCount());
        instant(g, "latestReplyAt", m.latestReplyAt());
        uuids(g, "replyUsers", m.replyUsers());
        Mentions mentions = m.mentions();
        g.writeObjectFieldStart("mentions");
        g.writeArrayFieldStart("handles");
        for (String h : mentions.handles()) g.writeString(h);
        g.writeEndArray();
        g.writeBooleanField("channel", mentions.channel());
        g.writeBooleanField("here", mentions.here());
        g.writeEndObject();
        reactions(g, m.reactions());
        instant(g, "createdAt", m.createdAt());
        instant(g, "editedAt", m.editedAt());
        g.writeBooleanField("deleted", m.deleted());
        instant(g, "deletedAt", m.deletedAt());
        if (m.originPod() != null) g.writeStringField("originPod", m.originPod());
        g.writeStringField("hlc", Long.toString(m.hlc()));
        g.writeEndObject();
    }

    /** Writes {@code "reactions":[{emoji,count,users}]} as {@link MessageView.ReactionView}s. */
    public static void reactions(JsonGenerator g, List<Reaction> reactions) throws IOException {
        g.writeArrayFieldStart("reactions");
        for (Reaction r : reactions) {
            g.writeStartObject();
            g.writeStringField("emoji", r.emoji());
            g.writeNumberField("count", r.count());
            uuids(g, "users", r.users());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    public static void uuid(JsonGenerator g, String field, UUID id) throws IOException {
        if (id != null) g.writeStringField(field, id.toString());
    }

    private static void uuids(JsonGenerator g, String field, List<UUID> ids) throws IOException {
        g.writeArrayFieldStart(field);
        for (UUID id : ids) g.writeString(id.toString());
        g.writeEndArray();
    }

    private static void instant(JsonGenerator g, String field, Instant t) throws IOException {
        if (t != null) g.writeStringField(field, t.toString());
    }
}
