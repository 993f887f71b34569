package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.core.notify.NotificationPrefs;
import io.parley.core.notify.PreferenceService;
import io.parley.core.notify.UnreadStore;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.uuidPath;

/**
 * Notification preferences (global and per chat, spec 002 §3.6) and the unread summary a client reads at
 * sign-in (spec 002 §3.3), derived from the store like the live {@code notification.badge} frames.
 */
final class NotificationRoutes implements Routes {
    private final Services services;
    private final PreferenceService prefs;
    private final UnreadStore unread;

    NotificationRoutes(Services services, PreferenceService prefs, UnreadStore unread) {
        this.services = services;
        this.prefs = prefs;
        this.unread = unread;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/users/me/notification-preferences", this::getGlobal),
                Endpoint.put("/api/v1/users/me/notification-preferences", this::putGlobal),
                Endpoint.get("/api/v1/chats/{chatId}/notification-preferences", this::getChat),
                Endpoint.put("/api/v1/chats/{chatId}/notification-preferences", this::putChat),
                Endpoint.get("/api/v1/unread", this::unread));
    }

    // ---- bodies --------------------------------------------------------------------------------

    /** A DND schedule on the wire: start and end "HH:mm" in an IANA time zone. */
    record Schedule(Boolean enabled, String start, String end, String timeZone) {
        static Schedule of(NotificationPrefs.DndSchedule s) {
            return s == null ? null : new Schedule(s.enabled(), s.start().toString(), s.end().toString(), s.timeZone().getId());
        }
    }

    /** Global preferences (PUT replaces all; absent booleans mean true, absent DND means none). */
    record Global(Boolean desktop, Boolean sound, Schedule dndSchedule, String dndUntil) {
        NotificationPrefs.Global toPrefs() {
            NotificationPrefs.DndSchedule s = dndSchedule == null ? null
                    : NotificationPrefs.DndSchedule.of(dndSchedule.enabled(), dndSchedule.start(), dndSchedule.end(), dndSchedule.timeZone());
            Instant until = null;
            if (dndUntil != null) {
                try {
                    until = Instant.parse(dndUntil);
                } catch (DateTimeParseException e) {
                    throw ParleyException.invalid("dndUntil must be an ISO-8601 instant such as 2026-11-23T08:00:00Z");
                }
            }
            return new NotificationPrefs.Global(desktop == null || desktop, sound == null || sound, s, until);
        }

        static Global of(NotificationPrefs.Global g) {
            return new Global(g.desktop(), g.sound(), Schedule.of(g.dndSchedule()),
                    g.dndUntil() == null ? null : g.dndUntil().toString());
        }
    }

    /** A chat's preferences (PUT replaces all; level required, sound defaults to true, muted to false). */
    record ChatPrefs(String level, Boolean sound, Boolean muted) {
        NotificationPrefs.ChatPrefs toPrefs() {
            return new NotificationPrefs.ChatPrefs(NotificationPrefs.Level.fromWire(level), sound == null || sound,
                    muted != null && muted);
        }

        static ChatPrefs of(NotificationPrefs.ChatPrefs p) {
            return new ChatPrefs(p.level().wire(), p.sound(), p.muted());
        }
    }

    record GlobalReply(Global preferences) {}

    record ChatReply(UUID chatId, ChatPrefs preferences) {}

    record UnreadChat(UUID workspaceId, UUID chatId, int unreadCount, int mentionCount, long lastReadSeq) {}

    record UnreadReply(List<UnreadChat> chats, int totalUnread, int totalMentions) {}

    // ---- handlers ------------------------------------------------------------------------------

    private HttpResponse getGlobal(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new GlobalReply(Global.of(prefs.global(caller.userId()))));
    }

    private HttpResponse putGlobal(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        NotificationPrefs.Global g = body(request, Global.class).toPrefs();
        prefs.saveGlobal(caller.userId(), g);
        return HttpResponse.ok(new GlobalReply(Global.of(g)));
    }

    private HttpResponse getChat(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        return HttpResponse.ok(new ChatReply(chatId, ChatPrefs.of(prefs.chat(caller.userId(), chatId))));
    }

    private HttpResponse putChat(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        NotificationPrefs.ChatPrefs p = body(request, ChatPrefs.class).toPrefs();
        prefs.saveChat(caller.userId(), chatId, p);
        return HttpResponse.ok(new ChatReply(chatId, ChatPrefs.of(p)));
    }

    /** Every chat of the caller with its counts (optionally of one workspace), and the totals. */
    private HttpResponse unread(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID ws = ApiSupport.uuidQuery(request, "workspaceId");
        List<UnreadChat> chats = unread.unread(caller.userId()).stream()
                .filter(u -> ws == null || ws.equals(u.workspaceId()))
                .map(u -> new UnreadChat(u.workspaceId(), u.chatId(), u.unread(), u.mentions(), u.lastReadSeq()))
                .toList();
        return HttpResponse.ok(new UnreadReply(chats, chats.stream().mapToInt(UnreadChat::unreadCount).sum(),
                chats.stream().mapToInt(UnreadChat::mentionCount).sum()));
    }
}
