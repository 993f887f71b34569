package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;
import io.parley.core.chat.SyncResult;
import io.parley.core.error.ErrorCode;
import io.parley.core.notify.Notification;
import io.parley.core.notify.NotificationSink;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.realtime.PresenceStatus;
import io.parley.core.realtime.UserPresence;
import io.parley.core.search.SearchResults;
import io.parley.core.store.LogResult;
import io.parley.server.http.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the JSON of every server frame (spec 002 §2.4), byte for byte: the envelope's random {@code id} and, where
 * it is the send time, its {@code timestamp} are replaced by placeholders, everything else is compared as written.
 * The expected texts were taken from the encoder this one replaced ({@code ServerFrames}); the frames it built from
 * a {@code Map.of} had a field order that changed from one JVM to the next, and are pinned in the order the
 * protocol documents.
 */
class ServerFrameJsonTest {
    private static final Instant T = Instant.parse("2026-11-23T01:02:03.456Z");
    private static final UUID W = new UUID(0, 1), C = new UUID(0, 2), U = new UUID(0, 3), V = new UUID(0, 4),
            M = new UUID(0, 5), R = new UUID(0, 6), S = new UUID(0, 7);
    private static final Message MSG = new Message(M, C, 7, U, R, "hi \"there\"", null, 0, null, List.of(), Mentions.NONE,
            List.of(new Reaction(":tada:", List.of(U, V))), T, null, null, "local", 42, List.of(), null);

    /** {@return the frame's text with the envelope's id (and, if {@code sendTime}, its timestamp) as placeholders} */
    private static String normalised(byte[] frame, boolean sendTime) throws Exception {
        String s = new String(frame, StandardCharsets.UTF_8);
        JsonNode tree = Json.MAPPER.readTree(s);
        assertTrue(tree.get("id").asText().matches("[0-9a-f-]{36}"), s);
        s = s.replaceFirst("^\\{\"type\":\"([^\"]+)\",\"id\":\"[0-9a-f-]{36}\",", "{\"type\":\"$1\",\"id\":\"ID\",");
        if (sendTime) {
            Instant.parse(tree.get("timestamp").asText());
            s = s.replaceFirst(",\"timestamp\":\"[^\"]+\",", ",\"timestamp\":\"TS\",");
        }
        return s;
    }

    private static void pinned(String expected, byte[] frame) throws Exception {
        assertEquals(expected, normalised(frame, true));
    }

    private static ChatEvent event(EventType type, String emoji) {
        return new ChatEvent(W, C, 7, type, V, emoji, MSG, T);
    }

    @Test
    void liveEventsCarryTheEventsTimeAndTheirPayloadByType() throws Exception {
        String message = "{\"id\":\"00000000-0000-0000-0000-000000000005\",\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"seq\":7,"
                + "\"senderId\":\"00000000-0000-0000-0000-000000000003\",\"clientMsgId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"content\":\"hi \\\"there\\\"\",\"replyCount\":0,\"replyUsers\":[],\"mentions\":{\"handles\":[],\"channel\":false,\"here\":false},"
                + "\"reactions\":[{\"emoji\":\":tada:\",\"count\":2,\"users\":[\"00000000-0000-0000-0000-000000000003\",\"00000000-0000-0000-0000-000000000004\"]}],"
                + "\"createdAt\":\"2026-11-23T01:02:03.456Z\",\"deleted\":false,\"originPod\":\"local\",\"hlc\":\"42\"}";
        String head = "\"id\":\"ID\",\"timestamp\":\"2026-11-23T01:02:03.456Z\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"seq\":7,";
        for (EventType t : List.of(EventType.MESSAGE_POSTED, EventType.MESSAGE_EDITED, EventType.THREAD_UPDATED)) {
            assertEquals("{\"type\":\"" + t.frameType() + "\"," + head + "\"message\":" + message + "}}", normalised(eventFrame(event(t, null)), false));
        }
        assertEquals("{\"type\":\"message.deleted\"," + head + "\"messageId\":\"00000000-0000-0000-0000-000000000005\"}}",
                normalised(eventFrame(event(EventType.MESSAGE_DELETED, null)), false));
        String reaction = "\"messageId\":\"00000000-0000-0000-0000-000000000005\",\"userId\":\"00000000-0000-0000-0000-000000000004\",\"emoji\":\":tada:\",";
        String reactions = "\"reactions\":[{\"emoji\":\":tada:\",\"count\":2,\"users\":[\"00000000-0000-0000-0000-000000000003\",\"00000000-0000-0000-0000-000000000004\"]}]}}";
        assertEquals("{\"type\":\"message.reaction\"," + head + reaction + "\"action\":\"add\"," + reactions,
                normalised(eventFrame(event(EventType.REACTION_ADDED, ":tada:")), false));
        assertEquals("{\"type\":\"message.reaction\"," + head + reaction + "\"action\":\"remove\"," + reactions,
                normalised(eventFrame(event(EventType.REACTION_REMOVED, ":tada:")), false));
    }

    @Test
    void acks() throws Exception {
        pinned("{\"type\":\"ack\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\",\"status\":\"ok\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"messageId\":\"00000000-0000-0000-0000-000000000005\",\"seq\":7}}",
                writeAck(new LogResult(List.of(), MSG, 7, false)));
        pinned("{\"type\":\"ack\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\",\"status\":\"ok\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"messageId\":\"00000000-0000-0000-0000-000000000005\",\"seq\":7,\"duplicate\":true}}",
                writeAck(new LogResult(List.of(), MSG, 7, true)));
        String ok = "{\"type\":\"ack\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\",\"status\":\"ok\"";
        pinned(ok + ",\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"lastReadSeq\":9}}", readAck());
        pinned(ok + ",\"expiresAt\":\"2026-11-23T01:02:03.456Z\"}}", refreshAck());
        pinned(ok + "}}", presenceAck(true));
        pinned(ok + ",\"coalesced\":true}}", presenceAck(false));
        pinned(ok + "}}", plainAck());
        pinned(ok + ",\"chatId\":\"00000000-0000-0000-0000-000000000002\"}}", focusAck(C));
        pinned(ok + "}}", focusAck(null));
    }

    @Test
    void errors() throws Exception {
        pinned("{\"type\":\"error\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"code\":\"rate_limited\",\"message\":\"slow \\\"down\\\"\","
                + "\"refId\":\"00000000-0000-0000-0000-000000000006\",\"retryAfter\":3,\"temporary\":true}}",
                error(ErrorCode.RATE_LIMITED, "slow \"down\"", R, 3));
        pinned("{\"type\":\"error\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"code\":\"UPGRADE_REQUIRED\",\"message\":\"old\",\"temporary\":false}}",
                error(ErrorCode.UPGRADE_REQUIRED, "old", null, null));
    }

    @Test
    void answersToQueries() throws Exception {
        var hit = new SearchResults.MessageHit(MSG, 1.5f, List.of("<mark>hi</mark>"));
        String messageView = Json.MAPPER.writeValueAsString(io.parley.server.wire.MessageView.of(MSG));
        pinned("{\"type\":\"search.results\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"results\":[{\"type\":\"message\",\"score\":1.5,\"highlight\":{\"content\":[\"<mark>hi</mark>\"]},\"message\":" + messageView + "}],"
                + "\"total\":1,\"cursor\":\"next\"}}",
                searchResults(new SearchResults(List.of(hit), List.of(), List.of(), List.of(), 1, "next")));
        pinned("{\"type\":\"search.results\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"results\":[],\"total\":0}}",
                searchResults(new SearchResults(List.of(), List.of(), List.of(), List.of(), 0, null)));
        String eventView = Json.MAPPER.writeValueAsString(io.parley.server.wire.EventView.of(event(EventType.MESSAGE_POSTED, null)));
        pinned("{\"type\":\"sync.response\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"events\":[" + eventView + "],\"hasMore\":true,\"cursor\":7,\"tooLarge\":true}}",
                sync(new SyncResult(C, List.of(event(EventType.MESSAGE_POSTED, null)), true, 7, true)));
        pinned("{\"type\":\"sync.response\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"events\":[],\"hasMore\":false,\"cursor\":3}}",
                sync(new SyncResult(C, List.of(), false, 3, false)));
        pinned("{\"type\":\"pong\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\"}}", pong());
        pinned("{\"type\":\"presence.state\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"refId\":\"00000000-0000-0000-0000-000000000006\","
                + "\"users\":[{\"userId\":\"00000000-0000-0000-0000-000000000003\",\"status\":\"away\",\"lastSeen\":\"2026-11-23T01:02:03.456Z\"},"
                + "{\"userId\":\"00000000-0000-0000-0000-000000000004\",\"status\":\"offline\"}]}}",
                presenceState(List.of(new UserPresence(U, PresenceStatus.AWAY, T), new UserPresence(V, PresenceStatus.OFFLINE, null))));
    }

    @Test
    void awarenessAndChatChanges() throws Exception {
        pinned("{\"type\":\"typing.indicator\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"userId\":\"00000000-0000-0000-0000-000000000003\",\"displayName\":\"Ana \\\"A\\\"\",\"active\":true}}",
                typing(new BusEvent.TypingChanged(C, U, "Ana \"A\"", true)));
        pinned("{\"type\":\"presence.changed\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"userId\":\"00000000-0000-0000-0000-000000000003\","
                + "\"status\":\"dnd\",\"lastSeen\":\"2026-11-23T01:02:03.456Z\"}}", presenceChanged(new UserPresence(U, PresenceStatus.DND, T)));
        pinned("{\"type\":\"org.peers\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"orgChannelId\":\"oc-1\",\"unreachable\":[\"pod-b\"],\"message\":\"" + ServerFrame.OrgPeers.UNREACHABLE + "\"}}",
                orgPeers(new BusEvent.OrgPeersChanged(W, C, "oc-1", List.of("pod-b"))));
        pinned("{\"type\":\"org.peers\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"orgChannelId\":\"oc-1\",\"unreachable\":[]}}", orgPeers(new BusEvent.OrgPeersChanged(W, C, "oc-1", List.of())));
        pinned("{\"type\":\"chat.membership\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"workspaceId\":\"00000000-0000-0000-0000-000000000001\",\"userId\":\"00000000-0000-0000-0000-000000000003\",\"joined\":true}}",
                membership(new BusEvent.MembershipChanged(W, C, U, true, 4)));
        pinned("{\"type\":\"chat.updated\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"workspaceId\":\"00000000-0000-0000-0000-000000000001\"}}", chatUpdated(new BusEvent.ChatChanged(W, C)));
        pinned("{\"type\":\"read.receipt\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"chatId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"userId\":\"00000000-0000-0000-0000-000000000003\",\"seq\":9}}", readReceipt(new BusEvent.ReadMarked(W, C, U, 9)));
    }

    @Test
    void sessionFrames() throws Exception {
        pinned("{\"type\":\"hello\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"userId\":\"00000000-0000-0000-0000-000000000003\","
                + "\"sessionId\":\"00000000-0000-0000-0000-000000000007\",\"protocolVersion\":1,\"heartbeatIntervalSeconds\":30,"
                + "\"maxFrameBytes\":65536,\"tokenExpiresAt\":\"2026-11-23T01:02:03.456Z\",\"serverTime\":\"2026-11-23T01:02:04Z\"}}",
                hello());
        pinned("{\"type\":\"token.refresh\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"expiresAt\":\"2026-11-23T01:02:03.456Z\","
                + "\"endpoint\":\"/api/v1/auth/refresh\"}}", tokenRefresh());
        pinned("{\"type\":\"notification.badge\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"workspaceId\":\"00000000-0000-0000-0000-000000000001\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"unreadCount\":3,\"mentionCount\":1,\"lastReadSeq\":4,\"totalUnread\":10,"
                + "\"totalMentions\":2}}", badge(new NotificationSink.Badge(W, C, 3, 1, 4, 10, 2)));
        pinned("{\"type\":\"notification.toast\",\"id\":\"ID\",\"timestamp\":\"TS\",\"payload\":{\"id\":\"00000000-0000-0000-0000-000000000006\","
                + "\"title\":\"Ana in #general\",\"body\":\"hi\",\"workspaceId\":\"00000000-0000-0000-0000-000000000001\","
                + "\"chatId\":\"00000000-0000-0000-0000-000000000002\",\"messageId\":\"00000000-0000-0000-0000-000000000005\",\"priority\":\"urgent\","
                + "\"sound\":true,\"count\":2,\"timestamp\":\"2026-11-23T01:02:03.456Z\",\"actions\":[\"reply\",\"mark_read\",\"mute\"]}}",
                toast(new NotificationSink.Toast(R, "Ana in #general", "hi", W, C, M, Notification.Priority.URGENT, true, 2, T)));
    }

    // ---- the frames, as their callers build them

    private static byte[] encoded(ServerFrame f) { return ServerFrameEncoder.encode(f); }
    private static byte[] eventFrame(ChatEvent e) { return encoded(new ServerFrame.LiveEvent(e)); }
    private static byte[] writeAck(LogResult r) {
        return encoded(new ServerFrame.WriteAck(R, r.message().chatId(), r.message().id(), r.seq(), r.duplicate()));
    }
    private static byte[] readAck() { return encoded(new ServerFrame.ReadAck(R, C, 9)); }
    private static byte[] refreshAck() { return encoded(new ServerFrame.RefreshAck(R, T)); }
    private static byte[] presenceAck(boolean applied) { return encoded(new ServerFrame.PresenceAck(R, !applied)); }
    private static byte[] plainAck() { return encoded(new ServerFrame.Ack(R)); }
    private static byte[] focusAck(UUID chat) { return encoded(new ServerFrame.FocusAck(R, chat)); }
    private static byte[] error(ErrorCode code, String message, UUID refId, Integer retryAfter) {
        return encoded(new ServerFrame.ErrorReply(code, message, refId, retryAfter));
    }
    private static byte[] searchResults(SearchResults r) { return encoded(new ServerFrame.SearchReply(R, r)); }
    private static byte[] sync(SyncResult s) { return encoded(new ServerFrame.SyncReply(R, s)); }
    private static byte[] pong() { return encoded(new ServerFrame.Pong(R)); }
    private static byte[] presenceState(List<UserPresence> users) { return encoded(new ServerFrame.PresenceState(R, users)); }
    private static byte[] typing(BusEvent.TypingChanged t) { return routed(t); }
    private static byte[] presenceChanged(UserPresence p) { return routed(new BusEvent.PresenceChanged(List.of(p))); }
    private static byte[] orgPeers(BusEvent.OrgPeersChanged o) { return routed(o); }
    private static byte[] membership(BusEvent.MembershipChanged m) { return routed(m); }
    private static byte[] chatUpdated(BusEvent.ChatChanged c) { return routed(c); }
    private static byte[] readReceipt(BusEvent.ReadMarked r) { return routed(r); }
    private static byte[] hello() { return encoded(new ServerFrame.Hello(U, S, 1, 30, 65536, T, T.plusMillis(544))); }
    private static byte[] tokenRefresh() { return encoded(new ServerFrame.TokenRefresh(T, "/api/v1/auth/refresh")); }
    private static byte[] badge(NotificationSink.Badge b) { return encoded(new ServerFrame.NotificationBadge(b)); }
    private static byte[] toast(NotificationSink.Toast t) { return encoded(new ServerFrame.NotificationToast(t)); }

    /** {@return the one frame a bus event maps to, encoded} */
    private static byte[] routed(BusEvent e) {
        List<EventFrames.Routed> frames = EventFrames.of(e);
        assertEquals(1, frames.size(), e.toString());
        return encoded(frames.getFirst().frame());
    }
}
