package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.UuidText;
import io.parley.core.protocol.ClientFrame;
import io.parley.server.http.IllFormedTextException;
import io.parley.server.http.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a text frame's bytes into a {@link ClientFrame}, strictly: well-formed Unicode text (UTF-8 with no
 * unpaired surrogates, even escaped ones: {@link io.parley.server.http.WellFormedJsonFactory}); the envelope is exactly
 * {@code {type, id, timestamp?, payload}}; each payload has a closed set of fields with fixed types.
 * Every failure is a {@link Rejected} carrying a specific code and, when the id could be read,
 * the {@code refId} to answer with. Nothing here throws on bad input.
 */
final class FrameDecoder {
    /** Most files on one message (the files service says the same). */
    private static final int MAX_ATTACHMENTS = io.parley.core.files.FileService.MAX_ATTACHMENTS;
    private static final Set<String> ENVELOPE = Set.of("type", "id", "timestamp", "payload");
    private static final int MAX_PRESENCE_IDS = 500;

    /** A frame that could not be accepted. */
    record Rejected(ErrorCode code, String message, UUID refId) {}

    /** The outcome: exactly one of frame or rejected is set. */
    record Result(ClientFrame frame, Rejected rejected) {}

    private FrameDecoder() {}

    static Result decode(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IllFormedTextException e) {
            return reject(ErrorCode.MALFORMED, "frame " + e.problem(), null);
        } catch (IOException e) {
            return reject(ErrorCode.MALFORMED, "frame is not valid JSON", null);
        }
        if (root == null || !root.isObject()) return reject(ErrorCode.MALFORMED, "frame must be a JSON object", null);
        UUID id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && idNode.isTextual()) id = parseUuid(idNode.asText());
        try {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ENVELOPE.contains(f)) throw ParleyException.invalid("unexpected field '" + truncate(f) + "' in frame");
            }
            JsonNode typeNode = root.get("type");
            if (typeNode == null || !typeNode.isTextual()) throw ParleyException.invalid("type (a string) is required");
            String type = typeNode.asText();
            if (idNode == null || !idNode.isTextual() || id == null) throw ParleyException.invalid("id (a UUID string) is required");
            JsonNode ts = root.get("timestamp");
            if (ts != null && !ts.isNull() && !ts.isTextual()) throw ParleyException.invalid("timestamp must be an ISO 8601 string");
            JsonNode payload = root.get("payload");
            if (payload == null || payload.isNull()) payload = Json.MAPPER.createObjectNode();
            if (!payload.isObject()) throw ParleyException.invalid("payload must be an object");
            Payload p = new Payload(payload);
            ClientFrame frame = switch (type) {
                case "message.send" -> {
                    p.allow("chatId", "content", "replyTo", "attachments", "priority");
                    String priority = p.string("priority", false);
                    if (priority != null && !priority.equals("normal") && !priority.equals("urgent")) {
                        throw ParleyException.invalid("priority must be \"normal\" or \"urgent\"");
                    }
                    java.util.List<UUID> files = payload.hasNonNull("attachments") && !payload.get("attachments").isEmpty()
                            ? p.uuids("attachments", MAX_ATTACHMENTS) : java.util.List.of();
                    yield new ClientFrame.MessageSend(id, p.uuid("chatId", true), p.string("content", files.isEmpty()),
                            p.uuid("replyTo", false), files, "urgent".equals(priority));
                }
                case "typing.start" -> {
                    p.allow("chatId");
                    yield new ClientFrame.TypingStart(id, p.uuid("chatId", true));
                }
                case "typing.stop" -> {
                    p.allow("chatId");
                    yield new ClientFrame.TypingStop(id, p.uuid("chatId", true));
                }
                case "presence.update" -> {
                    p.allow("status");
                    yield new ClientFrame.PresenceUpdate(id, p.string("status", true));
                }
                case "presence.subscribe" -> {
                    p.allow("userIds");
                    yield new ClientFrame.PresenceSubscribe(id, p.uuids("userIds", MAX_PRESENCE_IDS));
                }
                case "presence.unsubscribe" -> {
                    p.allow("userIds");
                    yield new ClientFrame.PresenceUnsubscribe(id, p.uuids("userIds", MAX_PRESENCE_IDS));
                }
                case "search.query" -> {
                    p.allow("workspaceId", "query", "scope", "chatId", "sort", "cursor", "limit", "timeZone");
                    Long limit = p.longValue("limit", false);
                    yield new ClientFrame.SearchQuery(id, p.uuid("workspaceId", true), p.string("query", true), p.string("scope", false),
                            p.uuid("chatId", false), p.string("sort", false), p.string("cursor", false),
                            limit == null ? 0 : (int) Math.min(limit, Integer.MAX_VALUE), p.string("timeZone", false));
                }
                case "chat.focus" -> {
                    p.allow("chatId");
                    yield new ClientFrame.ChatFocus(id, p.uuid("chatId", false));
                }
                case "message.edit" -> {
                    p.allow("messageId", "content");
                    yield new ClientFrame.MessageEdit(id, p.uuid("messageId", true), p.string("content", true));
                }
                case "message.delete" -> {
                    p.allow("messageId");
                    yield new ClientFrame.MessageDelete(id, p.uuid("messageId", true));
                }
                case "message.react" -> {
                    p.allow("messageId", "emoji", "action");
                    String action = p.string("action", true);
                    if (!action.equals("add") && !action.equals("remove")) throw ParleyException.invalid("action must be \"add\" or \"remove\"");
                    yield new ClientFrame.MessageReact(id, p.uuid("messageId", true), p.string("emoji", true), action.equals("add"));
                }
                case "read.mark" -> {
                    p.allow("chatId", "messageId", "seq");
                    UUID messageId = p.uuid("messageId", false);
                    Long seq = p.longValue("seq", false);
                    if (messageId == null && seq == null) throw ParleyException.invalid("messageId or seq is required");
                    yield new ClientFrame.ReadMark(id, p.uuid("chatId", true), messageId, seq);
                }
                case "sync.request" -> syncRequest(id, p, payload);
                case "auth.refresh" -> {
                    p.allow("accessToken");
                    yield new ClientFrame.AuthRefresh(id, p.string("accessToken", true));
                }
                case "ping" -> {
                    p.allow();
                    yield new ClientFrame.Ping(id);
                }
                default -> {
                    throw new ParleyException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + truncate(type) + "'");
                }
            };
            return new Result(frame, null);
        } catch (ParleyException e) {
            return reject(e.code(), e.getMessage(), id);
        }
    }

    /** Accepts {@code {chats:[{chatId,lastSeq}], limit?}} or the single-chat form {@code {chatId, lastSeq, limit?}}. */
    private static ClientFrame syncRequest(UUID id, Payload p, JsonNode payload) {
        int limit = 0;
        if (payload.has("chats")) {
            p.allow("chats", "limit");
            JsonNode chats = payload.get("chats");
            if (!chats.isArray() || chats.isEmpty()) throw ParleyException.invalid("chats must be a non-empty array");
            if (chats.size() > 1000) throw ParleyException.invalid("chats has more than 1000 entries");
            List<ClientFrame.SyncCursor> cursors = new ArrayList<>();
            for (JsonNode c : chats) {
                if (!c.isObject()) throw ParleyException.invalid("chats[] entries must be objects");
                Payload cp = new Payload(c);
                cp.allow("chatId", "lastSeq");
                cursors.add(new ClientFrame.SyncCursor(cp.uuid("chatId", true), cp.longValue("lastSeq", true)));
            }
            Long l = p.longValue("limit", false);
            if (l != null) limit = (int) Math.min(Math.max(l, 0), Integer.MAX_VALUE);
            return new ClientFrame.SyncRequest(id, cursors, limit);
        }
        p.allow("chatId", "lastSeq", "limit");
        Long l = p.longValue("limit", false);
        if (l != null) limit = (int) Math.min(Math.max(l, 0), Integer.MAX_VALUE);
        return new ClientFrame.SyncRequest(id, List.of(new ClientFrame.SyncCursor(p.uuid("chatId", true), p.longValue("lastSeq", true))), limit);
    }

    private static Result reject(ErrorCode code, String message, UUID refId) {
        return new Result(null, new Rejected(code, message, refId));
    }

    private static UUID parseUuid(String s) {
        return UuidText.parse(s);
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** Typed, strict access to a payload's fields; every failure names the field. */
    private record Payload(JsonNode node) {
        void allow(String... fields) {
            Set<String> allowed = Set.of(fields);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) throw ParleyException.invalid("unexpected field '" + truncate(f) + "' in payload");
            }
        }

        UUID uuid(String field, boolean required) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                if (required) throw ParleyException.invalid(field + " is required");
                return null;
            }
            UUID id = v.isTextual() ? parseUuid(v.asText()) : null;
            if (id == null) throw ParleyException.invalid(field + " must be a UUID string");
            return id;
        }

        /** A required array of 1 to max UUID strings. */
        java.util.List<UUID> uuids(String field, int max) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) throw ParleyException.invalid(field + " is required");
            if (!v.isArray() || v.isEmpty() || v.size() > max) {
                throw ParleyException.invalid(field + " must be an array of 1 to " + max + " UUID strings");
            }
            java.util.List<UUID> out = new ArrayList<>(v.size());
            for (JsonNode e : v) {
                UUID id = e.isTextual() ? parseUuid(e.asText()) : null;
                if (id == null) throw ParleyException.invalid(field + " must hold only UUID strings");
                out.add(id);
            }
            return out;
        }

        String string(String field, boolean required) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                if (required) throw ParleyException.invalid(field + " is required");
                return null;
            }
            if (!v.isTextual()) throw ParleyException.invalid(field + " must be a string");
            return v.asText();
        }

        Long longValue(String field, boolean required) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                if (required) throw ParleyException.invalid(field + " is required");
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ParleyException.invalid(field + " must be an integer");
            long l = v.asLong();
            if (l < 0) throw ParleyException.invalid(field + " must not be negative");
            return l;
        }
    }
}
