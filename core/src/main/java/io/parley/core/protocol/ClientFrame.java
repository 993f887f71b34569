package io.parley.core.protocol;

import java.util.List;
import java.util.UUID;

/**
 * Frames a client sends (spec 002 §2.3). Every frame has a client-generated UUID {@code id}; the
 * server answers with {@code ack} or {@code error} carrying it as {@code refId}. For writes the id
 * is also the idempotency key: a retry with the same id returns the original ack.
 */
public sealed interface ClientFrame {
    UUID id();

    /** A message; {@code urgent} asks for the urgent priority (spec 002 §3.7: bypasses DND and mute, rate-limited). */
    /** A new message; {@code content} may be null only when {@code attachments} (the sender's upload ids) is not empty. */
    record MessageSend(UUID id, UUID chatId, String content, UUID replyTo, List<UUID> attachments, boolean urgent)
            implements ClientFrame {
        public MessageSend {
            attachments = List.copyOf(attachments);
        }
    }

    record MessageEdit(UUID id, UUID messageId, String content) implements ClientFrame {}

    record MessageDelete(UUID id, UUID messageId) implements ClientFrame {}

    record MessageReact(UUID id, UUID messageId, String emoji, boolean add) implements ClientFrame {}

    /** Marks read up to a message (or a seq) in a chat. */
    record ReadMark(UUID id, UUID chatId, UUID messageId, Long seq) implements ClientFrame {}

    /** Gap-fill for one or more chats, each from the last seq the client holds. */
    record SyncRequest(UUID id, List<SyncCursor> chats, int limit) implements ClientFrame {
        public SyncRequest {
            chats = List.copyOf(chats);
        }
    }

    /** A chat and the last seq the client holds for it. */
    record SyncCursor(UUID chatId, long lastSeq) {}

    /** Renews the socket's credentials with a fresh access token (after {@code token.refresh}). */
    record AuthRefresh(UUID id, String accessToken) implements ClientFrame {}

    /** Application-level heartbeat; answered with {@code pong}. */
    record Ping(UUID id) implements ClientFrame {}

    /** The user started typing in a chat (spec 002 §4.3). */
    record TypingStart(UUID id, UUID chatId) implements ClientFrame {}

    /** The user stopped typing in a chat. */
    record TypingStop(UUID id, UUID chatId) implements ClientFrame {}

    /** Sets the user's manual presence: available, away, dnd, brb, in_a_meeting (spec 002 §4.1). */
    record PresenceUpdate(UUID id, String status) implements ClientFrame {}

    /** Subscribes this connection to the presence of users it shows (spec 002 §4.2). */
    record PresenceSubscribe(UUID id, List<UUID> userIds) implements ClientFrame {
        public PresenceSubscribe {
            userIds = List.copyOf(userIds);
        }
    }

    /** Drops presence subscriptions of this connection. */
    record PresenceUnsubscribe(UUID id, List<UUID> userIds) implements ClientFrame {
        public PresenceUnsubscribe {
            userIds = List.copyOf(userIds);
        }
    }

    /** Declares which chat this connection shows in front (null: none); a focused chat raises no toast. */
    record ChatFocus(UUID id, UUID chatId) implements ClientFrame {}

    /**
     * A search (spec 002 §2.3 {@code search.query}): the query text in Parley's syntax, in a workspace,
     * optionally scoped ({@code messages|people|channels|all}) or limited to one chat.
     */
    record SearchQuery(UUID id, UUID workspaceId, String query, String scope, UUID chatId, String sort, String cursor,
                       int limit, String timeZone) implements ClientFrame {}

}
