package io.parley.server.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.SyncResult;
import io.parley.core.error.ErrorCode;
import io.parley.core.id.Uuid7;
import io.parley.core.store.LogResult;
import io.parley.server.http.Json;
import io.parley.server.wire.EventView;
import io.parley.server.wire.MessageJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Encodes server frames (spec 002 §2.4) to JSON bytes: {@code {type, id, timestamp, payload}}.
 * A frame for many recipients is encoded once by the caller and its bytes shared.
 */
final class ServerFrames {
    private ServerFrames() {}

    static byte[] frame(String type, Object payload) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("type", type);
        f.put("id", Uuid7.next());
        f.put("timestamp", Instant.now());
        f.put("payload", payload);
        try {
            return Json.MAPPER.writeValueAsBytes(f);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
    }

    /** Streams a frame's envelope around a payload writer: the hot frames skip data binding. */
    private interface PayloadWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] stream(String type, PayloadWriter payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            g.writeStringField("id", Uuid7.next().toString());
            g.writeStringField("timestamp", Instant.now().toString());
            g.writeObjectFieldStart("payload");
            payload.write(g);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
        return out.toByteArray();
    }

    /** {@return the live frame for a committed log event} */
    static byte[] event(ChatEvent e) {
        return stream(e.type().frameType(), g -> {
            MessageJson.uuid(g, "chatId", e.chatId());
            g.writeNumberField("seq", e.seq());
            switch (e.type()) {
                case MESSAGE_POSTED, MESSAGE_EDITED, THREAD_UPDATED -> {
                    g.writeFieldName("message");
                    MessageJson.write(g, e.message());
                }
                case MESSAGE_DELETED -> MessageJson.uuid(g, "messageId", e.message().id());
                case REACTION_ADDED, REACTION_REMOVED -> {
                    MessageJson.uuid(g, "messageId", e.message().id());
                    MessageJson.uuid(g, "userId", e.actorId());
                    g.writeStringField("emoji", e.emoji());
                    g.writeStringField("action", e.type() == EventType.REACTION_ADDED ? "add" : "remove");
                    MessageJson.reactions(g, e.message().reactions());
                }
            }
        });
    }

    static byte[] ack(UUID refId, LogResult r) {
        return stream("ack", g -> {
            MessageJson.uuid(g, "refId", refId);
            g.writeStringField("status", "ok");
            MessageJson.uuid(g, "chatId", r.message().chatId());
            MessageJson.uuid(g, "messageId", r.message().id());
            g.writeNumberField("seq", r.seq());
            if (r.duplicate()) g.writeBooleanField("duplicate", true);
        });
    }

    static byte[] ack(UUID refId, Map<String, Object> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("refId", refId);
        p.put("status", "ok");
        p.putAll(extra);
        return frame("ack", p);
    }

    static byte[] error(ErrorCode code, String message, UUID refId, Integer retryAfter) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("code", code.wire());
        p.put("message", message);
        if (refId != null) p.put("refId", refId);
        if (retryAfter != null) p.put("retryAfter", retryAfter);
        p.put("temporary", code.temporary());
        return frame("error", p);
    }

    static byte[] sync(UUID refId, SyncResult s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("refId", refId);
        p.put("chatId", s.chatId());
        p.put("events", s.events().stream().map(EventView::of).toList());
        p.put("hasMore", s.hasMore());
        p.put("cursor", s.cursor());
        if (s.tooLarge()) p.put("tooLarge", true);
        return frame("sync.response", p);
    }
}
