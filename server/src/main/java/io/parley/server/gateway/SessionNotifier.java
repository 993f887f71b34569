package io.parley.server.gateway;

import io.parley.core.notify.NotificationSink;
import io.parley.core.protocol.ServerFrame;

import java.util.UUID;

/**
 * The notification dispatcher's way to this node's sessions: {@code notification.badge} to every session of
 * a user (essential: never dropped), {@code notification.toast} to those that do not have the chat focused
 * (dropped like receipts when the client falls behind).
 */
public final class SessionNotifier implements NotificationSink {
    private final Hub hub;

    public SessionNotifier(Hub hub) {
        this.hub = hub;
    }

    @Override
    public boolean online(UUID userId) {
        for (Connection c : hub.connections(userId)) if (c.isOpen()) return true;
        return false;
    }

    @Override
    public void badge(UUID userId, Badge b) {
        byte[] frame = ServerFrameEncoder.encode(new ServerFrame.NotificationBadge(b));
        for (Connection c : hub.connections(userId)) c.send(frame);
    }

    @Override
    public void toast(UUID userId, Toast t) {
        byte[] frame = null;
        for (Connection c : hub.connections(userId)) {
            if (t.chatId().equals(c.focusedChat())) continue;
            if (frame == null) frame = ServerFrameEncoder.encode(new ServerFrame.NotificationToast(t));
            c.send(frame, FramePriority.RECEIPT);
        }
    }
}
