package io.parley.server.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.SyncResult;
import io.parley.core.error.ErrorCode;
import io.parley.core.id.Uuid7;
import io.parley.core.store.LogResult;
import io.parley.server.http.Json;
import io.parley.server.wire.EventView;
import io.parley.server.wire.MessageView;

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

    /** {@return the live frame for a committed log event} */
    static byte[] event(ChatEvent e) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("chatId", e.chatId());
        p.put("seq", e.seq());
        switch (e.type()) {
            case MESSAGE_POSTED, MESSAGE_EDITED, THREAD_UPDATED -> p.put("message", MessageView.of(e.message()));
            case MESSAGE_DELETED -> p.put("messageId", e.message().id());
            case REACTION_ADDED, REACTION_REMOVED -> {
                p.put("messageId", e.message().id());
                p.put("userId", e.actorId());
                p.put("emoji", e.emoji());
                p.put("action", e.type() == EventType.REACTION_ADDED ? "add" : "remove");
                p.put("reactions", MessageView.of(e.message()).reactions());
            }
        }
        return frame(e.type().frameType(), p);
    }

    static byte[] ack(UUID refId, LogResult r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("refId", refId);
        p.put("status", "ok");
        p.put("chatId", r.message().chatId());
        p.put("messageId", r.message().id());
        p.put("seq", r.seq());
        if (r.duplicate()) p.put("duplicate", true);
        return frame("ack", p);
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
