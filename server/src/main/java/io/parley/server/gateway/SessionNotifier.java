package io.parley.server.gateway;

import io.parley.core.notify.NotificationSink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The notification dispatcher's way to this node's sessions: {@code notification.badge} to every session of
 * a user (essential: never dropped), {@code notification.toast} to those that do not have the chat focused
 * (dropped like receipts when the client falls behind).
 */
public final class SessionNotifier implements NotificationSink {
    /** The actions a toast offers (spec 002 §3.4). */
    static final List<String> TOAST_ACTIONS = List.of("reply", "mark_read", "mute");

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
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("workspaceId", b.workspaceId());
        p.put("chatId", b.chatId());
        p.put("unreadCount", b.unreadCount());
        p.put("mentionCount", b.mentionCount());
        p.put("lastReadSeq", b.lastReadSeq());
        p.put("totalUnread", b.totalUnread());
        p.put("totalMentions", b.totalMentions());
        byte[] frame = ServerFrames.frame("notification.badge", p);
        for (Connection c : hub.connections(userId)) c.send(frame);
    }

    @Override
    public void toast(UUID userId, Toast t) {
        byte[] frame = null;
        for (Connection c : hub.connections(userId)) {
            if (t.chatId().equals(c.focusedChat())) continue;
            if (frame == null) frame = encode(t);
            c.send(frame, FramePriority.RECEIPT);
        }
    }

    static byte[] encode(Toast t) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", t.id());
        p.put("title", t.title());
        p.put("body", t.body());
        p.put("workspaceId", t.workspaceId());
        p.put("chatId", t.chatId());
        p.put("messageId", t.messageId());
        p.put("priority", t.priority().name().toLowerCase(Locale.ROOT));
        p.put("sound", t.sound());
        p.put("count", t.count());
        p.put("timestamp", t.timestamp());
        p.put("actions", TOAST_ACTIONS);
        return ServerFrames.frame("notification.toast", p);
    }
}
