package io.parley.server.gateway;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.Principal;
import io.parley.core.chat.MessageService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.store.LogResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
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
    private final GatewayMetrics metrics;

    FrameDispatcher(MessageService messages, AuthService auth, GatewayMetrics metrics) {
        this.messages = messages;
        this.auth = auth;
        this.metrics = metrics;
    }

    void dispatch(Connection c, ClientFrame frame) {
        UUID user = c.userId();
        try {
            switch (frame) {
                case ClientFrame.MessageSend f -> {
                    long start = System.nanoTime();
                    ackWhenCommitted(c, f.id(), messages.send(user, f.chatId(), f.id(), f.content(), f.replyTo(), f.urgent()), start);
                    metrics.sent();
                }
                case ClientFrame.MessageEdit f -> ackWhenCommitted(c, f.id(), messages.edit(user, f.messageId(), f.id(), f.content()), System.nanoTime());
                case ClientFrame.MessageDelete f -> ackWhenCommitted(c, f.id(), messages.delete(user, f.messageId(), f.id()), System.nanoTime());
                case ClientFrame.MessageReact f -> ackWhenCommitted(c, f.id(), messages.react(user, f.messageId(), f.id(), f.emoji(), f.add()), System.nanoTime());
                case ClientFrame.ReadMark f -> {
                    long seq = messages.markRead(user, f.chatId(), f.messageId(), f.seq());
                    send(c, "ack", ServerFrames.ack(f.id(), Map.of("chatId", f.chatId(), "lastReadSeq", seq)));
                }
                case ClientFrame.SyncRequest f -> {
                    for (ClientFrame.SyncCursor cursor : f.chats()) {
                        try {
                            send(c, "sync.response", ServerFrames.sync(f.id(), messages.sync(user, cursor.chatId(), cursor.lastSeq(), f.limit())));
                        } catch (ParleyException e) { // one forbidden chat does not spoil the others
                            sendError(c, e.code(), e.getMessage() + " (chat " + cursor.chatId() + ")", f.id(), e.retryAfterSeconds());
                        }
                    }
                }
                case ClientFrame.AuthRefresh f -> {
                    Principal renewed = auth.authenticate(f.accessToken());
                    if (!renewed.userId().equals(user)) throw ParleyException.forbidden("token belongs to another user");
                    c.renew(renewed);
                    send(c, "ack", ServerFrames.ack(f.id(), Map.of("expiresAt", renewed.expiresAt().toString())));
                }
                case ClientFrame.Ping f -> send(c, "pong", ServerFrames.frame("pong", Map.of("refId", f.id())));
                case ClientFrame.TypingStart f -> notYet(c, f, "typing.start");
                case ClientFrame.TypingStop f -> notYet(c, f, "typing.stop");
                case ClientFrame.PresenceUpdate f -> notYet(c, f, "presence.update");
                case ClientFrame.PresenceSubscribe f -> notYet(c, f, "presence.subscribe");
                case ClientFrame.PresenceUnsubscribe f -> notYet(c, f, "presence.unsubscribe");
                case ClientFrame.ChatFocus f -> {
                    c.focus(f.chatId()); // only suppresses toasts on this connection: nothing to authorise
                    Map<String, Object> extra = new java.util.HashMap<>();
                    extra.put("chatId", f.chatId());
                    send(c, "ack", ServerFrames.ack(f.id(), extra));
                }
                case ClientFrame.Unsupported f -> sendError(c, ErrorCode.NOT_IMPLEMENTED,
                        "frame type '" + f.type() + "' is not implemented by this server yet", f.id(), null);
            }
        } catch (ParleyException e) {
            sendError(c, e.code(), e.getMessage(), frame.id(), e.retryAfterSeconds());
        } catch (RuntimeException e) {
            log.error("frame {} failed", frame.getClass().getSimpleName(), e);
            sendError(c, ErrorCode.INTERNAL, "internal error", frame.id(), null);
        }
    }

    private void notYet(Connection c, ClientFrame f, String type) {
        sendError(c, ErrorCode.NOT_IMPLEMENTED, "frame type '" + type + "' is not implemented by this server yet", f.id(), null);
    }

    private void ackWhenCommitted(Connection c, UUID refId, CompletableFuture<LogResult> pending, long startNanos) {
        pending.whenComplete((result, failure) -> {
            if (failure == null) {
                metrics.persisted(System.nanoTime() - startNanos);
                send(c, "ack", ServerFrames.ack(refId, result));
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
        send(c, "error", ServerFrames.error(code, message, refId, retryAfter));
    }

    private void send(Connection c, String type, byte[] frame) {
        metrics.frameOut(type);
        c.send(frame);
    }
}
