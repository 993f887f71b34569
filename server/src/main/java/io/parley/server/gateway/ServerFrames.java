package io.parley.server.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.SyncResult;
import io.parley.core.error.ErrorCode;
import io.parley.core.id.Uuid7;
import io.parley.core.bus.BusEvent;
import io.parley.core.realtime.UserPresence;
import io.parley.core.store.LogResult;
import io.parley.server.http.Json;
import io.parley.server.wire.EventView;
import io.parley.server.wire.JsonBytes;
import io.parley.server.wire.MessageJson;
import io.parley.server.wire.PresenceView;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

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

    /** Writes a frame's envelope around a payload; the hot frames skip data binding. */
    private static byte[] envelope(String type, Instant at, Consumer<JsonBytes> payload) {
        JsonBytes j = new JsonBytes(512);
        j.startObject()
                .field("type", type)
                .field("id", Uuid7.next())
                .field("timestamp", at);
        j.field("payload").startObject();
        payload.accept(j);
        j.endObject().endObject();
        return j.toBytes();
    }

    /** {@return the live frame for a committed log event} (its timestamp is the event's) */
    static byte[] event(ChatEvent e) {
        return envelope(e.type().frameType(), e.at(), j -> {
            j.field("chatId", e.chatId()).field("seq", e.seq());
            switch (e.type()) {
                case MESSAGE_POSTED, MESSAGE_EDITED, THREAD_UPDATED -> MessageJson.write(j.field("message"), e.message());
                case MESSAGE_DELETED -> j.field("messageId", e.message().id());
                case REACTION_ADDED, REACTION_REMOVED -> {
                    j.field("messageId", e.message().id())
                            .field("userId", e.actorId())
                            .field("emoji", e.emoji())
                            .field("action", e.type() == EventType.REACTION_ADDED ? "add" : "remove");
                    MessageJson.reactions(j, e.message().reactions());
                }
            }
        });
    }

    static byte[] ack(UUID refId, LogResult r) {
        return envelope("ack", Instant.now(), j -> {
            j.field("refId", refId).field("status", "ok")
                    .field("chatId", r.message().chatId())
                    .field("messageId", r.message().id())
                    .field("seq", r.seq());
            if (r.duplicate()) j.field("duplicate", true);
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

    static byte[] searchResults(UUID refId, io.parley.core.search.SearchResults r) {
        var v = io.parley.server.wire.SearchResultsView.of(r);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("refId", refId);
        p.put("results", v.results());
        p.put("total", v.total());
        if (v.cursor() != null) p.put("cursor", v.cursor());
        return frame("search.results", p);
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

    /** {@return {@code typing.indicator {chatId, userId, displayName, active}}} */
    /** The text of the {@code org.peers} indicator while some org peers are unreachable. */
    static final String ORG_PEERS_UNREACHABLE = "Some org peers are unreachable; messages will sync when they return";

    /** {@return the {@code org.peers} frame: which member pods of an org-shared chat are unreachable (none: cleared)} */
    static byte[] orgPeers(BusEvent.OrgPeersChanged o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("chatId", o.chatId());
        p.put("orgChannelId", o.orgChannelId());
        p.put("unreachable", o.unreachable());
        p.put("message", o.unreachable().isEmpty() ? null : ORG_PEERS_UNREACHABLE);
        return frame("org.peers", p);
    }

    static byte[] typing(BusEvent.TypingChanged t) {
        return envelope("typing.indicator", Instant.now(), j -> j.field("chatId", t.chatId()).field("userId", t.userId())
                .field("displayName", t.displayName()).field("active", t.active()));
    }

    /** {@return {@code presence.changed {userId, status, lastSeen?}}} */
    static byte[] presenceChanged(UserPresence p) {
        return frame("presence.changed", presence(p));
    }

    /** {@return {@code presence.state {refId, users:[{userId, status, lastSeen?}]}}: the answer to a subscribe} */
    static byte[] presenceState(UUID refId, java.util.List<UserPresence> users) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("refId", refId);
        p.put("users", users.stream().map(ServerFrames::presence).toList());
        return frame("presence.state", p);
    }

    /** {@return the JSON object of a user's presence} (REST shows the same) */
    private static PresenceView presence(UserPresence p) {
        return PresenceView.of(p);
    }
}
