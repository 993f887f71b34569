package io.parley.core.protocol;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.SyncResult;
import io.parley.core.error.ErrorCode;
import io.parley.core.notify.NotificationSink;
import io.parley.core.realtime.UserPresence;
import io.parley.core.search.SearchResults;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Frames the server sends (spec 002 §2.4): every one is {@code {type, id, timestamp, payload}} on the wire, and
 * this closed set is every {@code type} there is. The gateway's encoder switches over it without a default, so a
 * new frame cannot be added without saying how it is written. Answers to a client frame carry its id as
 * {@code refId}; the rest are pushed (live log events, awareness, notifications, session notices).
 */
public sealed interface ServerFrame {
    /** {@return the frame's {@code type} on the wire} */
    String type();

    /** The first frame of a session: who the server took the client for and the session's limits. */
    record Hello(UUID userId, UUID sessionId, int protocolVersion, int heartbeatIntervalSeconds, int maxFrameBytes,
                 Instant tokenExpiresAt, Instant serverTime) implements ServerFrame {
        public String type() { return "hello"; }
    }

    /** A committed log event, live ({@code message.new}, {@code message.updated}, {@code message.deleted}, {@code message.reaction}). */
    record LiveEvent(ChatEvent event) implements ServerFrame {
        public LiveEvent { Objects.requireNonNull(event); }
        public String type() { return event.type().frameType(); }
    }

    /** A message write (send, edit, delete, react) is durable; {@code duplicate} when it was a retry. */
    record WriteAck(UUID refId, UUID chatId, UUID messageId, long seq, boolean duplicate) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** A read mark was taken; {@code lastReadSeq} is the user's watermark now. */
    record ReadAck(UUID refId, UUID chatId, long lastReadSeq) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** The socket's credentials were renewed until {@code expiresAt}. */
    record RefreshAck(UUID refId, Instant expiresAt) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** A presence update was taken; {@code coalesced} when it changed nothing that others see. */
    record PresenceAck(UUID refId, boolean coalesced) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** A focus change was taken; {@code chatId} is the chat now in front (null: none). */
    record FocusAck(UUID refId, UUID chatId) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** A frame that has nothing to answer but that it was done. */
    record Ack(UUID refId) implements ServerFrame {
        public String type() { return "ack"; }
    }

    /** A frame failed (or, without {@code refId}, the session); {@code retryAfter} in seconds, if any. */
    record ErrorReply(ErrorCode code, String message, UUID refId, Integer retryAfter) implements ServerFrame {
        public String type() { return "error"; }
    }

    /** The answer to {@code ping}. */
    record Pong(UUID refId) implements ServerFrame {
        public String type() { return "pong"; }
    }

    /** A page of results for {@code search.query}. */
    record SearchReply(UUID refId, SearchResults results) implements ServerFrame {
        public String type() { return "search.results"; }
    }

    /** One chat's answer to {@code sync.request}. */
    record SyncReply(UUID refId, SyncResult result) implements ServerFrame {
        public String type() { return "sync.response"; }
    }

    /** The answer to {@code presence.subscribe}: the state of the users now watched. */
    record PresenceState(UUID refId, List<UserPresence> users) implements ServerFrame {
        public PresenceState { users = List.copyOf(users); }
        public String type() { return "presence.state"; }
    }

    /** A watched user's presence changed. */
    record PresenceChanged(UserPresence presence) implements ServerFrame {
        public String type() { return "presence.changed"; }
    }

    /** Someone started or stopped typing in a chat. */
    record TypingIndicator(UUID chatId, UUID userId, String displayName, boolean active) implements ServerFrame {
        public String type() { return "typing.indicator"; }
    }

    /** Someone joined or left a chat. */
    record ChatMembership(UUID chatId, UUID workspaceId, UUID userId, boolean joined) implements ServerFrame {
        public String type() { return "chat.membership"; }
    }

    /** A chat's name, topic or settings changed; clients fetch it again. */
    record ChatUpdated(UUID chatId, UUID workspaceId) implements ServerFrame {
        public String type() { return "chat.updated"; }
    }

    /** Another member read a chat up to {@code seq}. */
    record ReadReceipt(UUID chatId, UUID userId, long seq) implements ServerFrame {
        public String type() { return "read.receipt"; }
    }

    /** Which member pods of an org-shared chat are unreachable (empty: all are back). */
    record OrgPeers(UUID chatId, String orgChannelId, List<String> unreachable) implements ServerFrame {
        /** The text shown while some org peers are unreachable. */
        public static final String UNREACHABLE = "Some org peers are unreachable; messages will sync when they return";

        public OrgPeers { unreachable = List.copyOf(unreachable); }
        public String type() { return "org.peers"; }
    }

    /** A user's unread and mention counts changed. */
    record NotificationBadge(NotificationSink.Badge badge) implements ServerFrame {
        public String type() { return "notification.badge"; }
    }

    /** An in-app notification. */
    record NotificationToast(NotificationSink.Toast toast) implements ServerFrame {
        /** The actions a toast offers (spec 002 §3.4). */
        public static final List<String> ACTIONS = List.of("reply", "mark_read", "mute");

        public String type() { return "notification.toast"; }
    }

    /** The access token expires soon: refresh it at {@code endpoint} and send {@code auth.refresh}. */
    record TokenRefresh(Instant expiresAt, String endpoint) implements ServerFrame {
        public String type() { return "token.refresh"; }
    }
}
