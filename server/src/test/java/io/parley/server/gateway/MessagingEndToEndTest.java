package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messaging over real WebSockets: persist-before-ack, fan-out to every session, idempotency, order, threads, sync. */
@Timeout(60)
class MessagingEndToEndTest {
    private static TestServer server;
    private static Team team;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique(String prefix) {
        return prefix + names.incrementAndGet();
    }

    private static WsClient connect(Tokens t) {
        WsClient c = WsClient.connect(server.wsUrl(), t.accessToken());
        c.awaitType("hello");
        return c;
    }

    private static UUID send(WsClient c, UUID chatId, String content) {
        return c.send("message.send", payload().put("chatId", chatId.toString()).put("content", content));
    }

    @Test
    void sendIsAckedAfterCommitAndReachesEverySessionOfEveryMember() {
        Tokens ana = team.add(unique("ana"));
        Tokens ben = team.add(unique("ben"));
        Chat ch = team.channel(ana, unique("room"), false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(), List.of(ben.user().id()));
        try (WsClient a = connect(ana); WsClient b1 = connect(ben); WsClient b2 = connect(ben)) {
            UUID id = send(a, ch.id(), "hello <b>world</b> '); DROP TABLE messages;--");
            JsonNode ack = a.awaitReply(id);
            assertEquals("ack", ack.path("type").asText());
            assertEquals("ok", ack.path("payload").path("status").asText());
            long seq = ack.path("payload").path("seq").asLong();
            String messageId = ack.path("payload").path("messageId").asText();
            // durable when acked: the store has it
            var stored = team.services.messages().message(ana.user().id(), UUID.fromString(messageId));
            assertEquals("hello <b>world</b> '); DROP TABLE messages;--", stored.content());
            for (WsClient c : List.of(a, b1, b2)) {
                JsonNode n = c.await(f -> "message.new".equals(f.path("type").asText()));
                assertAll(
                        () -> assertEquals(messageId, n.path("payload").path("message").path("id").asText()),
                        () -> assertEquals(seq, n.path("payload").path("seq").asLong()),
                        () -> assertEquals(ch.id().toString(), n.path("payload").path("chatId").asText()),
                        () -> assertEquals("hello <b>world</b> '); DROP TABLE messages;--", n.path("payload").path("message").path("content").asText()),
                        () -> assertEquals(id.toString(), n.path("payload").path("message").path("clientMsgId").asText()),
                        () -> assertEquals("local", n.path("payload").path("message").path("originPod").asText()));
            }
        }
    }

    @Test
    void retryWithTheSameIdReturnsTheOriginalAckAndCreatesNothing() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("idem"), false);
        try (WsClient a = connect(ana)) {
            UUID id = UUID.randomUUID();
            a.send("message.send", id, payload().put("chatId", ch.id().toString()).put("content", "once"));
            JsonNode first = a.awaitReply(id);
            a.send("message.send", id, payload().put("chatId", ch.id().toString()).put("content", "once"));
            JsonNode retry = a.await(f -> id.toString().equals(f.path("payload").path("refId").asText()) && f.path("payload").path("duplicate").asBoolean());
            assertEquals(first.path("payload").path("messageId"), retry.path("payload").path("messageId"));
            assertEquals(first.path("payload").path("seq"), retry.path("payload").path("seq"));
            var history = team.services.messages().history(ana.user().id(), ch.id(), null, null, 50);
            assertEquals(1, history.size());
        }
    }

    @Test
    void concurrentSendersProduceOneGapFreeOrderEveryoneSees() {
        Tokens ana = team.add(unique("ana"));
        Tokens ben = team.add(unique("ben"));
        Tokens cid = team.add(unique("cid"));
        Chat ch = team.channel(ana, unique("busy"), false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(), List.of(ben.user().id(), cid.user().id()));
        int perSender = 60;
        try (WsClient a = connect(ana); WsClient b = connect(ben); WsClient watcher = connect(cid)) {
            for (int i = 0; i < perSender; i++) {
                send(a, ch.id(), "a" + i);
                send(b, ch.id(), "b" + i);
            }
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 2 * perSender; i++) {
                JsonNode n = watcher.await(f -> "message.new".equals(f.path("type").asText()));
                seqs.add(n.path("payload").path("seq").asLong());
            }
            for (int i = 1; i < seqs.size(); i++) assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "gap-free increasing seq: " + seqs);
        }
    }

    @Test
    void editDeleteAndReactionsAreEventsWithTheirOwnSeq() {
        Tokens ana = team.add(unique("ana"));
        Tokens ben = team.add(unique("ben"));
        Chat ch = team.channel(ana, unique("edits"), false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(), List.of(ben.user().id()));
        try (WsClient a = connect(ana); WsClient b = connect(ben)) {
            JsonNode ack = a.awaitReply(send(a, ch.id(), "first draft"));
            String mid = ack.path("payload").path("messageId").asText();
            long seq = ack.path("payload").path("seq").asLong();

            UUID edit = a.send("message.edit", payload().put("messageId", mid).put("content", "final text"));
            assertEquals(seq + 1, a.awaitReply(edit).path("payload").path("seq").asLong());
            JsonNode updated = b.await(f -> "message.updated".equals(f.path("type").asText()));
            assertEquals("final text", updated.path("payload").path("message").path("content").asText());
            assertFalse(updated.path("payload").path("message").path("editedAt").isMissingNode());

            UUID notMine = b.send("message.edit", payload().put("messageId", mid).put("content", "hijack"));
            assertEquals("forbidden", b.awaitReply(notMine).path("payload").path("code").asText());

            UUID react = b.send("message.react", payload().put("messageId", mid).put("emoji", ":tada:").put("action", "add"));
            assertEquals("ok", b.awaitReply(react).path("payload").path("status").asText());
            JsonNode r = a.await(f -> "message.reaction".equals(f.path("type").asText()));
            assertEquals(1, r.path("payload").path("reactions").get(0).path("count").asInt());
            assertEquals(ben.user().id().toString(), r.path("payload").path("userId").asText());
            UUID again = b.send("message.react", payload().put("messageId", mid).put("emoji", ":tada:").put("action", "add"));
            assertEquals("ok", b.awaitReply(again).path("payload").path("status").asText()); // idempotent

            UUID del = a.send("message.delete", payload().put("messageId", mid));
            assertEquals("ok", a.awaitReply(del).path("payload").path("status").asText());
            JsonNode deleted = b.await(f -> "message.deleted".equals(f.path("type").asText()));
            assertEquals(mid, deleted.path("payload").path("messageId").asText());
            var tomb = team.services.messages().message(ana.user().id(), UUID.fromString(mid));
            assertTrue(tomb.deleted());
            assertEquals("", tomb.content() == null ? "" : tomb.content());
        }
    }

    @Test
    void threadRepliesUpdateTheRootAtomically() {
        Tokens ana = team.add(unique("ana"));
        Tokens ben = team.add(unique("ben"));
        Chat ch = team.channel(ana, unique("thread"), false);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), ch.id(), List.of(ben.user().id()));
        try (WsClient a = connect(ana); WsClient b = connect(ben)) {
            String root = a.awaitReply(send(a, ch.id(), "root")).path("payload").path("messageId").asText();
            for (WsClient c : List.of(a, b, b)) {
                UUID id = c.send("message.send", payload().put("chatId", ch.id().toString()).put("content", "reply").put("replyTo", root));
                assertEquals("ok", c.awaitReply(id).path("payload").path("status").asText());
            }
            JsonNode last = a.await(f -> "message.updated".equals(f.path("type").asText())
                    && f.path("payload").path("message").path("replyCount").asInt() == 3);
            JsonNode rootView = last.path("payload").path("message");
            assertEquals(root, rootView.path("id").asText());
            assertEquals(2, rootView.path("replyUsers").size(), "reply users without duplicates");
            var thread = team.services.messages().thread(ana.user().id(), UUID.fromString(root), 50);
            assertEquals(4, thread.size());
            assertEquals(1, team.services.messages().history(ana.user().id(), ch.id(), null, null, 50).size(), "replies stay out of channel history");
        }
    }

    @Test
    void syncReturnsEveryMissedEventInSeqOrderAndFlagsLargeGaps() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("sync"), false);
        try (WsClient a = connect(ana)) {
            String first = a.awaitReply(send(a, ch.id(), "m1")).path("payload").path("messageId").asText();
            for (int i = 2; i <= 5; i++) a.awaitReply(send(a, ch.id(), "m" + i));
            a.awaitReply(a.send("message.edit", payload().put("messageId", first).put("content", "m1 edited")));
            a.awaitReply(a.send("message.react", payload().put("messageId", first).put("emoji", "👍").put("action", "add")));
            UUID req = a.send("sync.request", payload().put("chatId", ch.id().toString()).put("lastSeq", 2).put("limit", 3));
            JsonNode page = a.await(f -> "sync.response".equals(f.path("type").asText()) && req.toString().equals(f.path("payload").path("refId").asText()));
            JsonNode events = page.path("payload").path("events");
            assertEquals(3, events.size());
            assertEquals(3, events.get(0).path("seq").asLong());
            assertEquals(5, events.get(2).path("seq").asLong());
            assertTrue(page.path("payload").path("hasMore").asBoolean());
            assertEquals(5, page.path("payload").path("cursor").asLong());
            UUID rest = a.send("sync.request", payload().put("chatId", ch.id().toString()).put("lastSeq", 5));
            JsonNode tail = a.await(f -> "sync.response".equals(f.path("type").asText()) && rest.toString().equals(f.path("payload").path("refId").asText()));
            JsonNode ev = tail.path("payload").path("events");
            assertEquals(2, ev.size());
            assertEquals("message.updated", ev.get(0).path("type").asText());
            assertEquals("message.reaction", ev.get(1).path("type").asText());
            assertFalse(tail.path("payload").path("hasMore").asBoolean());

            Chat big = team.channel(ana, unique("big"), false);
            for (int i = 0; i < 501; i++) send(a, big.id(), "x" + i);
            a.await(f -> "ack".equals(f.path("type").asText()) && f.path("payload").path("seq").asLong() == 501, java.time.Duration.ofSeconds(30));
            UUID tooLarge = a.send("sync.request", payload().set("chats", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                    .add(payload().put("chatId", big.id().toString()).put("lastSeq", 0))
                    .add(payload().put("chatId", ch.id().toString()).put("lastSeq", 7))));
            JsonNode r1 = a.await(f -> "sync.response".equals(f.path("type").asText()) && tooLarge.toString().equals(f.path("payload").path("refId").asText())
                    && big.id().toString().equals(f.path("payload").path("chatId").asText()));
            assertTrue(r1.path("payload").path("tooLarge").asBoolean());
            JsonNode r2 = a.await(f -> "sync.response".equals(f.path("type").asText()) && tooLarge.toString().equals(f.path("payload").path("refId").asText())
                    && ch.id().toString().equals(f.path("payload").path("chatId").asText()));
            assertEquals(0, r2.path("payload").path("events").size());
        }
    }

    @Test
    void framesForChatsTheUserMayNotUseAreForbiddenAndTheConnectionStaysOpen() {
        Tokens ana = team.add(unique("ana"));
        Tokens eve = team.add(unique("eve"));
        Chat secret = team.channel(ana, unique("secret"), true);
        Chat open = team.channel(ana, unique("open"), false);
        try (WsClient e = connect(eve)) {
            UUID s1 = send(e, secret.id(), "let me in");
            assertEquals("forbidden", e.awaitReply(s1).path("payload").path("code").asText());
            UUID s2 = send(e, open.id(), "not joined");
            assertEquals("forbidden", e.awaitReply(s2).path("payload").path("code").asText());
            UUID s3 = e.send("sync.request", payload().put("chatId", secret.id().toString()).put("lastSeq", 0));
            assertEquals("forbidden", e.awaitReply(s3).path("payload").path("code").asText());
            UUID s4 = e.send("read.mark", payload().put("chatId", secret.id().toString()).put("seq", 1));
            assertEquals("forbidden", e.awaitReply(s4).path("payload").path("code").asText());
            UUID s5 = send(e, UUID.randomUUID(), "nowhere");
            assertEquals("forbidden", e.awaitReply(s5).path("payload").path("code").asText());
            UUID ping = e.send("ping", payload());
            e.await(f -> "pong".equals(f.path("type").asText()) && ping.toString().equals(f.path("payload").path("refId").asText()));
            assertTrue(team.services.messages().history(ana.user().id(), secret.id(), null, null, 10).isEmpty());
        }
    }

    @Test
    void readMarkStoresTheWatermarkAndTellsTheChat() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("read"), false);
        try (WsClient a = connect(ana); WsClient a2 = connect(ana)) {
            JsonNode ack = a.awaitReply(send(a, ch.id(), "read me"));
            UUID mark = a.send("read.mark", payload().put("chatId", ch.id().toString()).put("messageId", ack.path("payload").path("messageId").asText()));
            assertEquals(ack.path("payload").path("seq").asLong(), a.awaitReply(mark).path("payload").path("lastReadSeq").asLong());
            // The reader's other sessions learn their watermark from the badge; read.receipt goes to the others.
            JsonNode badge = a2.await(f -> "notification.badge".equals(f.path("type").asText())
                    && f.path("payload").path("chatId").asText().equals(ch.id().toString()));
            assertEquals(ack.path("payload").path("seq").asLong(), badge.path("payload").path("lastReadSeq").asLong());
        }
    }
}
