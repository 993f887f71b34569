package io.parley.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.core.auth.Tokens;
import io.parley.core.notify.Notification;
import io.parley.core.notify.PushSender;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.core.fixtures.ManualClock;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Badges, receipts, toasts, pushes, DND, urgent messages and rate limits, end to end over real sockets
 * (spec 002 §3, §4.4, §7.3). Timers are shortened through configuration; waits are deadlines.
 */
@Timeout(60)
class NotificationsEndToEndTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ManualClock clock = ManualClock.running();
    private final RecordingPush push = new RecordingPush();
    private TestServer server;
    private Team team;
    private Http http;

    /** Records pushes; offline recipients' notifications land here. */
    static final class RecordingPush implements PushSender {
        final LinkedBlockingQueue<Notification> sent = new LinkedBlockingQueue<>();

        @Override
        public void send(Notification n) { sent.add(n); }

        Notification await(Predicate<Notification> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Notification n = sent.poll(100, TimeUnit.MILLISECONDS);
                if (n != null && match.test(n)) return n;
            }
            throw new AssertionError("no matching push within 10 s");
        }
    }

    private void start(Map<String, String> extra) {
        Map<String, String> cfg = new HashMap<>(Map.of(
                "notifications.badge_interval", "50ms",
                "notifications.toast_group_window", "300ms",
                "limits.messages_per_second", "1000",
                "limits.read_marks_per_second", "1000"));
        cfg.putAll(extra);
        server = TestServer.start(cfg, clock, push);
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) c.close();
        if (server != null) server.close();
    }

    private WsClient ws(Tokens who) {
        WsClient c = WsClient.connect(server.wsUrl(), who.accessToken());
        open.add(c);
        c.awaitType("hello");
        return c;
    }

    private UUID dm(Tokens a, Tokens b) {
        return team.services.chats().openDm(team.services.auth().authenticate(a.accessToken()), team.workspaceId,
                List.of(b.user().id())).id();
    }

    private static JsonNode send(WsClient c, UUID chat, String content, boolean urgent) {
        ObjectNode p = payload().put("chatId", chat.toString()).put("content", content);
        if (urgent) p.put("priority", "urgent");
        return c.awaitReply(c.send("message.send", p));
    }

    private static JsonNode ok(JsonNode reply) {
        assertEquals("ack", reply.path("type").asText(), reply::toString);
        return reply.path("payload");
    }

    private static Predicate<JsonNode> frame(String type, Predicate<JsonNode> payload) {
        return f -> type.equals(f.path("type").asText()) && payload.test(f.path("payload"));
    }

    private static Predicate<JsonNode> badge(UUID chat, int unread, int mentions) {
        return frame("notification.badge", p -> p.path("chatId").asText().equals(chat.toString())
                && p.path("unreadCount").asInt() == unread && p.path("mentionCount").asInt() == mentions);
    }

    private static Predicate<JsonNode> toastFor(String messageId) {
        return frame("notification.toast", p -> p.path("messageId").asText().equals(messageId));
    }

    /** Round-trips a ping: frames the server queued before the pong have arrived. */
    private static void sync(WsClient c) {
        UUID id = c.send("ping", payload());
        c.await(frame("pong", p -> p.path("refId").asText().equals(id.toString())));
    }

    // ---- badges and receipts -------------------------------------------------------------------

    @Test
    void badgesFollowSendsReadMarksAndDeletesAndReceiptsGoToOthers() {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        JsonNode first = ok(send(a, team.general, "hello all", false));
        JsonNode second = ok(send(a, team.general, "hey @bob, look", false));

        JsonNode counted = b.await(badge(team.general, 2, 1)).path("payload");
        assertTrue(counted.path("totalUnread").asInt() >= 2);
        assertEquals(team.workspaceId.toString(), counted.path("workspaceId").asText());

        Http.Res summary = http.get("/api/v1/unread?workspaceId=" + team.workspaceId, bob.accessToken());
        assertEquals(200, summary.status(), summary.raw());
        JsonNode general = null;
        for (JsonNode c : summary.body().path("chats")) if (c.path("chatId").asText().equals(team.general.toString())) general = c;
        assertNotNull(general, summary.raw());
        assertEquals(2, general.path("unreadCount").asInt());
        assertEquals(1, general.path("mentionCount").asInt());
        assertTrue(summary.body().path("totalUnread").asInt() >= 2);

        long seq1 = first.path("seq").asLong();
        ok(b.awaitReply(b.send("read.mark", payload().put("chatId", team.general.toString()).put("seq", seq1))));
        JsonNode receipt = a.await(frame("read.receipt", p -> p.path("userId").asText().equals(bob.user().id().toString())));
        assertEquals(seq1, receipt.path("payload").path("seq").asLong());
        JsonNode afterRead = b.await(badge(team.general, 1, 1)).path("payload");
        assertEquals(seq1, afterRead.path("lastReadSeq").asLong());

        ok(a.awaitReply(a.send("message.delete", payload().put("messageId", second.path("messageId").asText()))));
        b.await(badge(team.general, 0, 0));
        sync(b);
        assertFalse(b.queued().stream().anyMatch(frame("read.receipt",
                p -> p.path("userId").asText().equals(bob.user().id().toString()))), "the reader gets no receipt of its own");
    }

    @Test
    void badgesOfABusyChatAreCoalescedPerInterval() {
        start(Map.of("notifications.badge_interval", "300ms"));
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(a.send("message.send", payload().put("chatId", team.general.toString()).put("content", "burst " + i)));
        }
        for (UUID id : ids) ok(a.awaitReply(id));
        b.await(badge(team.general, 30, 0));
        long frames = b.queued().stream().filter(frame("notification.badge",
                p -> p.path("chatId").asText().equals(team.general.toString()))).count();
        assertTrue(frames < 30, "30 messages gave " + frames + " badge frames");
    }

    // ---- toasts ---------------------------------------------------------------------------------

    @Test
    void toastsFollowLevelsMuteAndFocus() {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        WsClient focused = ws(bob);
        WsClient other = ws(bob);
        ok(focused.awaitReply(focused.send("chat.focus", payload().put("chatId", dm.toString()))));

        String longText = "x".repeat(150);
        String m1 = ok(send(a, dm, longText, false)).path("messageId").asText();
        JsonNode toast = other.await(toastFor(m1)).path("payload");
        assertAll(
                () -> assertEquals(dm.toString(), toast.path("chatId").asText()),
                () -> assertTrue(toast.path("body").asText().length() <= 100),
                () -> assertTrue(toast.path("body").asText().startsWith("xxxx")),
                () -> assertEquals("alice", toast.path("title").asText()),
                () -> assertEquals("normal", toast.path("priority").asText()),
                () -> assertTrue(toast.path("actions").toString().contains("reply")));
        sync(focused);
        assertFalse(focused.queued().stream().anyMatch(frame("notification.toast", p -> true)), "a focused chat raises no toast");
        focused.await(badge(dm, 1, 0)); // the badge still counts

        // Channels default to mentions_only.
        String plain = ok(send(a, team.general, "nothing for you", false)).path("messageId").asText();
        String mention = ok(send(a, team.general, "@bob please look", false)).path("messageId").asText();
        JsonNode firstChannelToast = other.await(frame("notification.toast", p -> p.path("chatId").asText().equals(team.general.toString())));
        assertEquals(mention, firstChannelToast.path("payload").path("messageId").asText(), "only the mention toasts");
        assertTrue(firstChannelToast.path("payload").path("title").asText().contains("#general"));
        assertFalse(plain.isEmpty());

        // Muted: badge only, except a direct mention.
        Http.Res put = http.put("/api/v1/chats/" + team.general + "/notification-preferences",
                Map.of("level", "all", "muted", true), bob.accessToken());
        assertEquals(200, put.status(), put.raw());
        String quiet = ok(send(a, team.general, "muted chatter", false)).path("messageId").asText();
        String direct = ok(send(a, team.general, "@bob you are needed", false)).path("messageId").asText();
        JsonNode next = other.await(frame("notification.toast", p -> p.path("chatId").asText().equals(team.general.toString())
                && !p.path("messageId").asText().equals(mention)));
        assertEquals(direct, next.path("payload").path("messageId").asText(), "muted chatter raises nothing");
        assertFalse(quiet.isEmpty());
    }

    @Test
    void rapidMessagesOfOneChatAreGrouped() {
        start(Map.of("notifications.toast_group_window", "1s"));
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        String m1 = ok(send(a, dm, "one", false)).path("messageId").asText();
        ok(send(a, dm, "two", false));
        String m3 = ok(send(a, dm, "three", false)).path("messageId").asText();
        assertEquals(1, b.await(toastFor(m1)).path("payload").path("count").asInt());
        JsonNode grouped = b.await(toastFor(m3)).path("payload");
        assertEquals(2, grouped.path("count").asInt());
        assertEquals("2 new messages in this conversation", grouped.path("body").asText());
    }

    @Test
    void aSingleHeldBackMessageIsToastedAsItself() {
        start(Map.of("notifications.toast_group_window", "1s"));
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        String m1 = ok(send(a, dm, "one", false)).path("messageId").asText();
        String m2 = ok(send(a, dm, "two, within the window", false)).path("messageId").asText();
        assertEquals(1, b.await(toastFor(m1)).path("payload").path("count").asInt());
        JsonNode held = b.await(toastFor(m2)).path("payload");
        assertAll(
                () -> assertEquals(1, held.path("count").asInt()),
                () -> assertEquals("two, within the window", held.path("body").asText(), "the message, not a count of one"),
                () -> assertEquals("alice", held.path("title").asText()));
    }

    // ---- DND and urgent --------------------------------------------------------------------------

    @Test
    void presenceDndSilencesAllButUrgentToo() {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        ok(b.awaitReply(b.send("presence.update", payload().put("status", "dnd"))));
        String quiet = ok(send(a, dm, "are you there?", false)).path("messageId").asText();
        String urgent = ok(send(a, dm, "production is down", true)).path("messageId").asText();
        JsonNode first = b.await(frame("notification.toast", p -> true)).path("payload");
        assertEquals(urgent, first.path("messageId").asText(), "presence DND holds the normal message back");
        b.await(badge(dm, 2, 0)); // badges still count
        assertFalse(quiet.isEmpty());
        clock.set(clock.instant().plusSeconds(11)); // past the 10 s presence.update window, so the change applies now
        ok(b.awaitReply(b.send("presence.update", payload().put("status", "available"))));
        String after = ok(send(a, dm, "and now?", false)).path("messageId").asText();
        b.await(toastFor(after));
    }

    @Test
    void aDndScheduleCrossingMidnightInTokyoSilencesAllButUrgent() {
        // 14:30 UTC is 23:30 in Tokyo: inside 22:00–07:00 there, outside it in UTC.
        clock.set(LocalDate.now(ZoneOffset.UTC).atTime(14, 30).toInstant(ZoneOffset.UTC));
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        Http.Res put = http.put("/api/v1/users/me/notification-preferences", Map.of("desktop", true, "sound", true,
                "dndSchedule", Map.of("start", "22:00", "end", "07:00", "timeZone", "Asia/Tokyo")), bob.accessToken());
        assertEquals(200, put.status(), put.raw());
        assertEquals("Asia/Tokyo", put.body().path("preferences").path("dndSchedule").path("timeZone").asText());
        WsClient a = ws(alice);
        WsClient b = ws(bob);

        String quiet = ok(send(a, dm, "are you there?", false)).path("messageId").asText();
        String urgent = ok(send(a, dm, "production is down", true)).path("messageId").asText();
        JsonNode first = b.await(frame("notification.toast", p -> true)).path("payload");
        assertEquals(urgent, first.path("messageId").asText(), "DND holds the normal message back");
        assertEquals("urgent", first.path("priority").asText());
        b.await(badge(dm, 2, 0)); // badges are not silenced
        assertFalse(quiet.isEmpty());

        // 23:45–07:00 also crosses midnight, but 23:30 is outside it.
        put = http.put("/api/v1/users/me/notification-preferences", Map.of("dndSchedule",
                Map.of("start", "23:45", "end", "07:00", "timeZone", "Asia/Tokyo")), bob.accessToken());
        assertEquals(200, put.status(), put.raw());
        String later = ok(send(a, dm, "now?", false)).path("messageId").asText();
        b.await(toastFor(later));

        // Manual DND until later today: silenced again.
        put = http.put("/api/v1/users/me/notification-preferences",
                Map.of("dndUntil", clock.instant().plus(Duration.ofHours(1)).toString()), bob.accessToken());
        assertEquals(200, put.status(), put.raw());
        String held = ok(send(a, dm, "still?", false)).path("messageId").asText();
        String urgent2 = ok(send(a, dm, "urgent again", true)).path("messageId").asText();
        JsonNode next = b.await(frame("notification.toast", p -> !p.path("messageId").asText().equals(urgent)
                && !p.path("messageId").asText().equals(later))).path("payload");
        assertEquals(urgent2, next.path("messageId").asText());
        assertFalse(held.isEmpty());
    }

    @Test
    void urgentMessagesAreLimitedPerSenderOnBothInterfaces() {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        for (int i = 0; i < 3; i++) ok(send(a, dm, "urgent " + i, true));
        JsonNode refused = send(a, dm, "one too many", true);
        assertEquals("error", refused.path("type").asText(), refused::toString);
        assertEquals("urgent_limit", refused.path("payload").path("code").asText());
        assertTrue(refused.path("payload").path("retryAfter").asInt() > 0);
        ok(send(a, dm, "a normal one still goes", false));

        Http.Res rest = http.post("/api/v1/chats/" + dm + "/messages", Map.of("content", "urgent", "priority", "urgent"),
                alice.accessToken());
        assertEquals(429, rest.status(), rest.raw());
        assertEquals("urgent_limit", rest.body().path("error").path("code").asText());
        assertNotNull(rest.header("Retry-After"));
        assertEquals("3", rest.header("X-RateLimit-Limit"));
    }

    // ---- push ------------------------------------------------------------------------------------

    @Test
    void offlineRecipientsGetAPush() throws Exception {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        WsClient a = ws(alice);
        String id = ok(send(a, dm, "are you around?", false)).path("messageId").asText();
        Notification n = push.await(x -> x.messageId().toString().equals(id));
        assertAll(
                () -> assertEquals(bob.user().id(), n.userId()),
                () -> assertEquals(dm, n.chatId()),
                () -> assertEquals("are you around?", n.body()),
                () -> assertEquals(Notification.Priority.NORMAL, n.priority()));
    }

    // ---- rate limits -----------------------------------------------------------------------------

    @Test
    void messagesAreRateLimitedPerUserAcrossWebSocketAndRest() {
        start(Map.of("limits.messages_per_second", "3"));
        Tokens alice = team.add("alice");
        WsClient a = ws(alice);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(a.send("message.send", payload().put("chatId", team.general.toString()).put("content", "m" + i)));
        }
        JsonNode limited = null;
        for (UUID id : ids) {
            JsonNode r = a.awaitReply(id);
            if ("error".equals(r.path("type").asText())) limited = r.path("payload");
        }
        assertNotNull(limited, "8 sends at once exceed 3 per second");
        assertEquals("rate_limited", limited.path("code").asText());
        assertTrue(limited.path("retryAfter").asInt() >= 1);
        assertTrue(limited.path("temporary").asBoolean());

        Http.Res refused = null;
        for (int i = 0; i < 8 && refused == null; i++) {
            Http.Res r = http.post("/api/v1/chats/" + team.general + "/messages", Map.of("content", "rest " + i), alice.accessToken());
            if (r.status() == 429) refused = r;
        }
        assertNotNull(refused, "the REST sends share the user's bucket");
        Http.Res res = refused;
        assertAll(
                () -> assertEquals("rate_limited", res.body().path("error").path("code").asText()),
                () -> assertTrue(Integer.parseInt(res.header("Retry-After")) >= 1),
                () -> assertEquals("3", res.header("X-RateLimit-Limit")),
                () -> assertEquals("0", res.header("X-RateLimit-Remaining")));
    }

    @Test
    void readMarksOverTheLimitAreCoalescedNotRefused() throws InterruptedException {
        start(Map.of("limits.read_marks_per_second", "1"));
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        WsClient a = ws(alice);
        WsClient b = ws(bob);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 3; i++) seqs.add(ok(send(a, team.general, "m" + i, false)).path("seq").asLong());
        for (long seq : seqs) {
            JsonNode ack = ok(b.awaitReply(b.send("read.mark", payload().put("chatId", team.general.toString()).put("seq", seq))));
            assertEquals(seq, ack.path("lastReadSeq").asLong());
        }
        long last = seqs.getLast();
        b.await(frame("notification.badge", p -> p.path("chatId").asText().equals(team.general.toString())
                && p.path("lastReadSeq").asLong() == last && p.path("unreadCount").asInt() == 0));
        a.await(frame("read.receipt", p -> p.path("seq").asLong() == last));
    }

    // ---- preferences ---------------------------------------------------------------------------

    @Test
    void preferencesAreValidatedAndStored() {
        start(Map.of());
        Tokens alice = team.add("alice");
        Tokens bob = team.add("bob");
        UUID dm = dm(alice, bob);
        String t = bob.accessToken();
        Http.Res defaults = http.get("/api/v1/users/me/notification-preferences", t);
        assertEquals(200, defaults.status(), defaults.raw());
        assertTrue(defaults.body().path("preferences").path("desktop").asBoolean());
        assertEquals("all", http.get("/api/v1/chats/" + dm + "/notification-preferences", t).body().path("preferences").path("level").asText());
        assertEquals("mentions_only", http.get("/api/v1/chats/" + team.general + "/notification-preferences", t)
                .body().path("preferences").path("level").asText());

        Map<String, Object> badZone = Map.of("dndSchedule", Map.of("start", "22:00", "end", "07:00", "timeZone", "Mars/Olympus"));
        Map<String, Object> badTime = Map.of("dndSchedule", Map.of("start", "25:00", "end", "07:00", "timeZone", "UTC"));
        for (Map<String, ?> bad : List.<Map<String, ?>>of(badZone, badTime, Map.of("dndUntil", "tomorrow"), Map.of("volume", 3))) {
            Http.Res r = http.put("/api/v1/users/me/notification-preferences", bad, t);
            assertEquals(400, r.status(), r.raw());
            assertEquals("invalid_request", r.body().path("error").path("code").asText());
        }
        Http.Res badLevel = http.put("/api/v1/chats/" + dm + "/notification-preferences", Map.of("level", "loud"), t);
        assertEquals(400, badLevel.status(), badLevel.raw());
        assertTrue(badLevel.body().path("error").path("message").asText().contains("level"));

        Http.Res saved = http.put("/api/v1/users/me/notification-preferences", Map.of("desktop", false, "sound", false,
                "dndSchedule", Map.of("start", "22:00", "end", "07:00", "timeZone", "America/New_York")), t);
        assertEquals(200, saved.status(), saved.raw());
        JsonNode back = http.get("/api/v1/users/me/notification-preferences", t).body().path("preferences");
        assertFalse(back.path("desktop").asBoolean());
        assertEquals("America/New_York", back.path("dndSchedule").path("timeZone").asText());
        assertEquals("22:00", back.path("dndSchedule").path("start").asText());

        assertEquals(200, http.put("/api/v1/chats/" + dm + "/notification-preferences",
                Map.of("level", "off", "sound", false), t).status());
        JsonNode chat = http.get("/api/v1/chats/" + dm + "/notification-preferences", t).body().path("preferences");
        assertEquals("off", chat.path("level").asText());
        assertFalse(chat.path("muted").asBoolean());

        Tokens carol = team.add("carol");
        Http.Res foreign = http.get("/api/v1/chats/" + dm + "/notification-preferences", carol.accessToken());
        assertTrue(foreign.status() == 403 || foreign.status() == 404, foreign.raw());
        assertEquals(401, http.get("/api/v1/unread", null).status());
        assertFalse(Instant.now().toString().isEmpty());
    }
}
