package io.parley.server.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.id.Uuid7;
import io.parley.core.protocol.ServerFrame;
import io.parley.server.http.Json;
import io.parley.server.wire.EventView;
import io.parley.server.wire.JsonBytes;
import io.parley.server.wire.MessageJson;
import io.parley.server.wire.PresenceView;
import io.parley.server.wire.SearchResultsView;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Encodes a {@link ServerFrame} to its JSON bytes (spec 002 §2.4): {@code {type, id, timestamp, payload}}, the id a
 * fresh UUIDv7, the timestamp the send time (a live event's is the event's commit time). One switch over the sealed
 * family, no default: a new frame does not compile until it is written here. A frame for many recipients is encoded
 * once by the caller and its bytes shared.
 *
 * <p>Two writers, one output: the frames on the hot path (live events, write acks, typing) are streamed with
 * {@link JsonBytes}, the rest bound by Jackson from an ordered map. {@code JsonBytes} writes what Jackson would
 * ({@code MessageJsonTest} holds it to that); {@code ServerFrameJsonTest} pins every frame's bytes. Null fields are
 * left out (the wire mapper's rule), so an optional field is simply put as null.
 */
final class ServerFrameEncoder {
    private ServerFrameEncoder() {}

    /** {@return the frame's bytes on the wire} */
    static byte[] encode(ServerFrame frame) {
        return switch (frame) {
            case ServerFrame.LiveEvent f -> streamed(f.type(), f.event().at(), j -> liveEvent(j, f.event()));
            case ServerFrame.WriteAck f -> streamed("ack", Instant.now(), j -> {
                j.field("refId", f.refId()).field("status", "ok")
                        .field("chatId", f.chatId())
                        .field("messageId", f.messageId())
                        .field("seq", f.seq());
                if (f.duplicate()) j.field("duplicate", true);
            });
            case ServerFrame.TypingIndicator f -> streamed(f.type(), Instant.now(), j -> j.field("chatId", f.chatId())
                    .field("userId", f.userId()).field("displayName", f.displayName()).field("active", f.active()));
            case ServerFrame.ReadAck f -> bound(f, ack(f.refId()).with("chatId", f.chatId()).with("lastReadSeq", f.lastReadSeq()));
            case ServerFrame.RefreshAck f -> bound(f, ack(f.refId()).with("expiresAt", f.expiresAt().toString()));
            case ServerFrame.PresenceAck f -> bound(f, ack(f.refId()).with("coalesced", f.coalesced() ? true : null));
            case ServerFrame.FocusAck f -> bound(f, ack(f.refId()).with("chatId", f.chatId()));
            case ServerFrame.Ack f -> bound(f, ack(f.refId()));
            case ServerFrame.ErrorReply f -> bound(f, new Payload()
                    .with("code", f.code().wire())
                    .with("message", f.message())
                    .with("refId", f.refId())
                    .with("retryAfter", f.retryAfter())
                    .with("temporary", f.code().temporary()));
            case ServerFrame.Pong f -> bound(f, new Payload().with("refId", f.refId()));
            case ServerFrame.SearchReply f -> {
                SearchResultsView v = SearchResultsView.of(f.results());
                yield bound(f, new Payload().with("refId", f.refId()).with("results", v.results()).with("total", v.total())
                        .with("cursor", v.cursor()));
            }
            case ServerFrame.SyncReply f -> bound(f, new Payload()
                    .with("refId", f.refId())
                    .with("chatId", f.result().chatId())
                    .with("events", f.result().events().stream().map(EventView::of).toList())
                    .with("hasMore", f.result().hasMore())
                    .with("cursor", f.result().cursor())
                    .with("tooLarge", f.result().tooLarge() ? true : null));
            case ServerFrame.PresenceState f -> bound(f, new Payload().with("refId", f.refId())
                    .with("users", f.users().stream().map(PresenceView::of).toList()));
            case ServerFrame.PresenceChanged f -> bound(f, PresenceView.of(f.presence()));
            case ServerFrame.ChatMembership f -> bound(f, new Payload().with("chatId", f.chatId()).with("workspaceId", f.workspaceId())
                    .with("userId", f.userId()).with("joined", f.joined()));
            case ServerFrame.ChatUpdated f -> bound(f, new Payload().with("chatId", f.chatId()).with("workspaceId", f.workspaceId()));
            case ServerFrame.ReadReceipt f -> bound(f, new Payload().with("chatId", f.chatId()).with("userId", f.userId())
                    .with("seq", f.seq()));
            case ServerFrame.OrgPeers f -> bound(f, new Payload()
                    .with("chatId", f.chatId())
                    .with("orgChannelId", f.orgChannelId())
                    .with("unreachable", f.unreachable())
                    .with("message", f.unreachable().isEmpty() ? null : ServerFrame.OrgPeers.UNREACHABLE));
            case ServerFrame.NotificationBadge f -> bound(f, new Payload()
                    .with("workspaceId", f.badge().workspaceId())
                    .with("chatId", f.badge().chatId())
                    .with("unreadCount", f.badge().unreadCount())
                    .with("mentionCount", f.badge().mentionCount())
                    .with("lastReadSeq", f.badge().lastReadSeq())
                    .with("totalUnread", f.badge().totalUnread())
                    .with("totalMentions", f.badge().totalMentions()));
            case ServerFrame.NotificationToast f -> bound(f, new Payload()
                    .with("id", f.toast().id())
                    .with("title", f.toast().title())
                    .with("body", f.toast().body())
                    .with("workspaceId", f.toast().workspaceId())
                    .with("chatId", f.toast().chatId())
                    .with("messageId", f.toast().messageId())
                    .with("priority", f.toast().priority().name().toLowerCase(Locale.ROOT))
                    .with("sound", f.toast().sound())
                    .with("count", f.toast().count())
                    .with("timestamp", f.toast().timestamp())
                    .with("actions", ServerFrame.NotificationToast.ACTIONS));
            case ServerFrame.TokenRefresh f -> bound(f, new Payload().with("expiresAt", f.expiresAt().toString())
                    .with("endpoint", f.endpoint()));
            case ServerFrame.Hello f -> bound(f, new Payload()
                    .with("userId", f.userId())
                    .with("sessionId", f.sessionId())
                    .with("protocolVersion", f.protocolVersion())
                    .with("heartbeatIntervalSeconds", f.heartbeatIntervalSeconds())
                    .with("maxFrameBytes", f.maxFrameBytes())
                    .with("tokenExpiresAt", f.tokenExpiresAt().toString())
                    .with("serverTime", f.serverTime().toString()));
        };
    }

    /** A live event's payload: chat and seq, then what its type carries. */
    private static void liveEvent(JsonBytes j, ChatEvent e) {
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
    }

    /** Writes a frame's envelope around a streamed payload: the hot frames skip data binding. */
    private static byte[] streamed(String type, Instant at, Consumer<JsonBytes> payload) {
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

    /** Writes a frame's envelope around a payload Jackson binds. */
    private static byte[] bound(ServerFrame frame, Object payload) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("type", frame.type());
        f.put("id", Uuid7.next());
        f.put("timestamp", Instant.now());
        f.put("payload", payload);
        try {
            return Json.MAPPER.writeValueAsBytes(f);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.type(), e);
        }
    }

    private static Payload ack(java.util.UUID refId) {
        return new Payload().with("refId", refId).with("status", "ok");
    }

    /** A payload's fields in the order they are put; a null value is left out of the JSON. */
    private static final class Payload extends LinkedHashMap<String, Object> {
        Payload with(String field, Object value) {
            put(field, value);
            return this;
        }
    }
}
