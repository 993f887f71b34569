package io.parley.server.gateway;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.Principal;
import io.parley.core.chat.MessageService;
import io.parley.core.search.SearchRequests;
import io.parley.core.search.SearchService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.TypingService;
import io.parley.core.store.LogResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs one decoded frame for one connection: a switch over the closed set of client frames, each
 * case a call into a service. Permission checks are the services' business; this class only maps
 * results to {@code ack}/{@code error} frames. Writes do not block the connection's reader: the
 * ack is sent when the log commits (acks of one connection complete in order, as the writer is FIFO).
 */
final class FrameDispatcher {
    private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);

    private final MessageService messages;
    private final AuthService auth;
    private final SearchService search;
    private final GatewayMetrics metrics;
    private final TypingService typing;
    private final PresenceService presence;
    private final PresenceSubscriptions watchers;

    FrameDispatcher(MessageService messages, AuthService auth, SearchService search, GatewayMetrics metrics, TypingService typing,
                    PresenceService presence, PresenceSubscriptions watchers) {
        this.messages = messages;
        this.auth = auth;
        this.search = search;
        this.metrics = metrics;
        this.typing = typing;
        this.presence = presence;
        this.watchers = watchers;
    }

    void dispatch(Connection c, ClientFrame frame) {
        UUID user = c.userId();
        try {
            switch (frame) {
                case ClientFrame.MessageSend f -> {
                    long start = System.nanoTime();
                    ackWhenCommitted(c, f.id(), messages.send(user, f.chatId(), f.id(),
                            new io.parley.core.chat.Draft(f.content(), f.replyTo(), f.attachments(), f.urgent())), start);
                    metrics.sent();
                }
                case ClientFrame.MessageEdit f -> ackWhenCommitted(c, f.id(), messages.edit(user, f.messageId(), f.id(), f.content()), System.nanoTime());
                case ClientFrame.MessageDelete f -> ackWhenCommitted(c, f.id(), messages.delete(user, f.messageId(), f.id()), System.nanoTime());
                case ClientFrame.MessageReact f -> ackWhenCommitted(c, f.id(), messages.react(user, f.messageId(), f.id(), f.emoji(), f.add()), System.nanoTime());
                case ClientFrame.ReadMark f -> {
                    long seq = messages.markRead(user, f.chatId(), f.messageId(), f.seq());
                    send(c, new ServerFrame.ReadAck(f.id(), f.chatId(), seq));
                }
                case ClientFrame.SyncRequest f -> {
                    for (ClientFrame.SyncCursor cursor : f.chats()) {
                        try {
                            send(c, new ServerFrame.SyncReply(f.id(), messages.sync(user, cursor.chatId(), cursor.lastSeq(), f.limit())));
                        } catch (ParleyException e) { // one forbidden chat does not spoil the others
                            sendError(c, e.code(), e.getMessage() + " (chat " + cursor.chatId() + ")", f.id(), e.retryAfterSeconds());
                        }
                    }
                }
                case ClientFrame.AuthRefresh f -> {
                    Principal renewed = auth.authenticate(f.accessToken());
                    if (!renewed.userId().equals(user)) throw ParleyException.forbidden("token belongs to another user");
                    c.renew(renewed);
                    send(c, new ServerFrame.RefreshAck(f.id(), renewed.expiresAt()));
                }
                case ClientFrame.Ping f -> send(c, new ServerFrame.Pong(f.id()));
                case ClientFrame.TypingStart f -> typing.start(user, f.chatId()); // no ack: ephemeral; errors only
                case ClientFrame.TypingStop f -> typing.stop(user, f.chatId());
                case ClientFrame.PresenceUpdate f -> {
                    boolean applied = presence.update(user, f.status());
                    send(c, new ServerFrame.PresenceAck(f.id(), !applied));
                }
                case ClientFrame.PresenceSubscribe f -> subscribePresence(c, f);
                case ClientFrame.PresenceUnsubscribe f -> {
                    watchers.unsubscribe(c, f.userIds());
                    send(c, new ServerFrame.Ack(f.id()));
                }
                case ClientFrame.ChatFocus f -> {
                    c.focus(f.chatId()); // only suppresses toasts on this connection: nothing to authorise
                    send(c, new ServerFrame.FocusAck(f.id(), f.chatId()));
                }
                case ClientFrame.SearchQuery f -> {
                    var results = search.search(user, f.workspaceId(), f.query(), SearchRequests.scope(f.scope()), f.chatId(),
                            SearchRequests.recency(f.sort()), f.cursor(), f.limit(), SearchRequests.zone(f.timeZone()));
                    send(c, new ServerFrame.SearchReply(f.id(), results));
                }
            }
        } catch (ParleyException e) {
            sendError(c, e.code(), e.getMessage(), frame.id(), e.retryAfterSeconds());
        } catch (RuntimeException e) {
            log.error("frame {} failed", frame.getClass().getSimpleName(), e);
            sendError(c, ErrorCode.INTERNAL, "internal error", frame.id(), null);
        }
    }

    /**
     * Subscribes first, then reads the state, so no change falls between the answer and the first
     * batch. Users who share no workspace with the caller are left out silently.
     */
    private void subscribePresence(Connection c, ClientFrame.PresenceSubscribe f) {
        List<UUID> visible = presence.visibleTo(c.userId(), f.userIds());
        long now = System.currentTimeMillis();
        if (!watchers.subscribe(c, visible, now, now + presence.settings().presenceSubscriptionTtl().toMillis())) {
            throw ParleyException.invalid("a connection may watch at most " + PresenceSubscriptions.MAX_PER_CONNECTION
                    + " users; unsubscribe some first");
        }
        send(c, new ServerFrame.PresenceState(f.id(), presence.of(visible)));
    }

    private void ackWhenCommitted(Connection c, UUID refId, CompletableFuture<LogResult> pending, long startNanos) {
        pending.whenComplete((result, failure) -> {
            if (failure == null) {
                metrics.persisted(System.nanoTime() - startNanos);
                send(c, new ServerFrame.WriteAck(refId, result.message().chatId(), result.message().id(), result.seq(), result.duplicate()));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof ParleyException e) {
                sendError(c, e.code(), e.getMessage(), refId, e.retryAfterSeconds());
            } else {
                log.error("write failed", cause);
                sendError(c, ErrorCode.INTERNAL, "internal error", refId, null);
            }
        });
    }

    void sendError(Connection c, ErrorCode code, String message, UUID refId, Integer retryAfter) {
        metrics.error(code.wire());
        send(c, new ServerFrame.ErrorReply(code, message, refId, retryAfter));
    }

    private void send(Connection c, ServerFrame frame) {
        metrics.frameOut(frame.type());
        c.send(ServerFrameEncoder.encode(frame));
    }
}
