package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.core.pod.PeerState;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Org-shared channels across three real pods (each a {@link TestServer} on its own SQLite): a message posted over
 * WebSocket on one pod reaches the channel's members on the others over WebSocket; edits, deletes, reactions and
 * thread replies converge to the same digest and the same merged order; non-members never see the channel; a
 * relayed envelope that was altered is refused; a stopped pod gets its backlog in order when it returns, with the
 * unreachable indicator shown meanwhile and cleared after.
 */
@Timeout(120)
class OrgChannelsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private WsClient ws(Pods.Pod p, String token) {
        WsClient w = WsClient.connect(p.server().wsUrl(), token);
        open.add(w);
        return w;
    }

    private static JsonNode awaitPosted(WsClient ws, String content) {
        return ws.await(f -> "message.new".equals(f.path("type").asText())
                && content.equals(f.path("payload").path("message").path("content").asText()), WAIT);
    }

    @Test
    void messagesEditsDeletesReactionsAndThreadsConvergeOnThreePods() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("shared", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1), chatC = s.chats().get(2);
        // Every pod knows the org and its three members.
        for (Pods.Pod p : List.of(b, c)) {
            Await.until(WAIT, p.id() + " knows the org's members", () -> {
                JsonNode orgs = p.http().get("/api/v1/admin/pod/orgs", p.admin()).body().get("orgs");
                return orgs.size() == 1 && orgs.get(0).get("members").size() == 3;
            });
        }
        // eve on pod C is in the workspace but not in the channel.
        var eve = c.team().add("eve");

        WsClient onA = ws(a, a.admin());
        WsClient onB = ws(b, b.admin());
        WsClient onC = ws(c, c.admin());
        WsClient eveWs = ws(c, eve.accessToken());
        ObjectNode send = WsClient.payload().put("chatId", chatA.toString()).put("content", "hello from A");
        UUID sendId = onA.send("message.send", send);
        assertEquals("ack", onA.awaitReply(sendId).path("type").asText());
        JsonNode onBFrame = awaitPosted(onB, "hello from A");
        awaitPosted(onC, "hello from A");
        JsonNode msgOnB = onBFrame.path("payload").path("message");
        String rootId = msgOnB.path("id").asText();
        assertEquals(chatB.toString(), onBFrame.path("payload").path("chatId").asText());
        assertEquals("pod-a", msgOnB.path("originPod").asText());
        // The remote author is a shadow user on B, "owner@pod-a" with the remote display name, that cannot sign in.
        var shadow = b.server().server().services().auth().user(UUID.fromString(msgOnB.path("senderId").asText())).orElseThrow();
        assertEquals("owner@pod-a", shadow.handle());
        assertEquals("Olive Owner", shadow.displayName());
        Http.Res login = b.http().post("/api/v1/auth/login", Map.of("email", shadow.email(), "password", "anything"), null);
        assertTrue(login.status() == 401 || login.status() == 400, login.raw());

        // Replies, reactions, edits and deletes from every pod.
        JsonNode replyOnC = c.http().post("/api/v1/chats/" + chatC + "/messages", Map.of("content", "reply from C", "replyTo", rootId),
                c.admin()).body().get("message");
        JsonNode fromB = Orgs3.post(b, chatB, "from B, to be edited");
        JsonNode doomed = Orgs3.post(c, chatC, "from C, to be deleted");
        Await.until(WAIT, "B's and C's messages on A", () -> Orgs3.contents(a, chatA).containsAll(
                List.of("from B, to be edited", "from C, to be deleted")));
        assertEquals(200, b.http().patch("/api/v1/messages/" + fromB.get("id").asText(), Map.of("content", "from B, edited"), b.admin()).status());
        assertEquals(204, c.http().delete("/api/v1/messages/" + doomed.get("id").asText(), c.admin()).status());
        assertEquals(200, a.http().post("/api/v1/messages/" + rootId + "/reactions", Map.of("emoji", ":tada:"), a.admin()).status() / 100 * 100);
        assertTrue(b.http().post("/api/v1/messages/" + rootId + "/reactions", Map.of("emoji", ":tada:"), b.admin()).status() < 300);
        assertTrue(c.http().post("/api/v1/messages/" + rootId + "/reactions", Map.of("emoji", ":eyes:"), c.admin()).status() < 300);
        assertTrue(c.http().delete("/api/v1/messages/" + rootId + "/reactions/:eyes:", c.admin()).status() < 300);

        // Equal digests alone can be a moment before the last ops landed (C's :eyes: added and removed leaves
        // the same state as neither having arrived), so wait for the outcome on A too.
        Await.until(WAIT, "every pod's digest to be equal, with the reactions' outcome on A", () -> {
            String da = Orgs3.digest(a, s), db = Orgs3.digest(b, s), dc = Orgs3.digest(c, s);
            JsonNode reactions = a.http().get("/api/v1/messages/" + rootId, a.admin()).body().get("message").get("reactions");
            return da.equals(db) && db.equals(dc) && reactions.size() == 1 && reactions.get(0).get("count").asInt() == 2;
        });
        List<String> merged = Orgs3.merged(a, chatA);
        assertAll(
                () -> assertEquals(merged, Orgs3.merged(b, chatB)),
                () -> assertEquals(merged, Orgs3.merged(c, chatC)),
                () -> assertEquals(3, merged.size(), merged.toString()),
                () -> assertTrue(Orgs3.contents(a, chatA).contains("from B, edited")));
        // The thread reply kept its root on every pod.
        for (var pc : List.of(Map.entry(a, chatA), Map.entry(b, chatB))) {
            JsonNode thread = pc.getKey().http().get("/api/v1/messages/" + rootId + "/thread", pc.getKey().admin()).body();
            assertEquals(1, thread.get("replies").size(), thread.toString());
            assertEquals(replyOnC.get("id").asText(), thread.get("replies").get(0).get("id").asText());
        }
        JsonNode rootOnA = a.http().get("/api/v1/messages/" + rootId, a.admin()).body().get("message");
        assertEquals(1, rootOnA.get("replyCount").asInt(), rootOnA.toString());
        assertEquals(1, rootOnA.get("reactions").size(), rootOnA.toString()); // :tada: by two; :eyes: removed

        // eve never sees the channel: no frame, no history.
        assertEquals(403, c.http().get("/api/v1/chats/" + chatC + "/messages", eve.accessToken()).status());
        assertTrue(eveWs.queued().stream().noneMatch(f -> f.toString().contains("hello from A")), eveWs.queued().toString());
        // Nothing was duplicated: a post counted once per pod.
        assertEquals(merged.size(), merged.stream().distinct().count());
    }

    @Test
    void anAlteredOrForgedRelayedEnvelopeIsRefused() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("shared", a, b, c);
        OrgWire.Event ev = new OrgWire.Event(1, "post", io.parley.core.id.Uuid7.next(), "pod-a", 1L << 20, System.currentTimeMillis(),
                new OrgWire.Author(UUID.randomUUID(), "mallory", "Mallory"), "forged", null, null, null, null);
        OrgWire.Batch batch = new OrgWire.Batch(s.orgId(), s.orgChannelId(), "pod-a", "pod-c", List.of(ev));
        // B (a member) claims A sent this: signed by B, not by A.
        byte[] body = PodClient.json(batch);
        byte[] sigByB = b.federation().identity().sign(OrgEnvelope.envelopeSigned("pod-a", "pod-c", body));
        var forged = new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope("pod-a", Ed25519.b64(body), Ed25519.b64(sigByB)));
        PodResult r = b.federation().client().send("pod-c", OrgWire.RELAYED, forged);
        assertTrue(r instanceof PodResult.Failed f && "bad_signature".equals(f.code()), r.toString());
        // A genuine envelope from A, altered on the way by B.
        byte[] sigByA = a.federation().identity().sign(OrgEnvelope.envelopeSigned("pod-a", "pod-c", body));
        byte[] altered = new String(body, StandardCharsets.UTF_8).replace("forged", "altered").getBytes(StandardCharsets.UTF_8);
        var tampered = new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope("pod-a", Ed25519.b64(altered), Ed25519.b64(sigByA)));
        r = b.federation().client().send("pod-c", OrgWire.RELAYED, tampered);
        assertTrue(r instanceof PodResult.Failed f && "bad_signature".equals(f.code()), r.toString());
        // A genuine envelope for B, redirected to C.
        byte[] sigForB = a.federation().identity().sign(OrgEnvelope.envelopeSigned("pod-a", "pod-b", body));
        var redirected = new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope("pod-a", Ed25519.b64(body), Ed25519.b64(sigForB)));
        r = b.federation().client().send("pod-c", OrgWire.RELAYED, redirected);
        assertTrue(r instanceof PodResult.Failed f && "bad_signature".equals(f.code()), r.toString());
        // B cannot post as itself either on a direct path for A's channel with someone else's origin.
        r = b.federation().client().send("pod-c", OrgWire.EVENTS, new OrgWire.Delivery(s.orgId(),
                new OrgWire.Envelope("pod-a", Ed25519.b64(body), Ed25519.b64(sigByA))));
        assertTrue(r instanceof PodResult.Failed f && f.status() == 403, r.toString());
        // An unknown org channel is a 404.
        OrgWire.Batch unknown = new OrgWire.Batch(s.orgId(), "org:" + s.orgId() + "#nope", "pod-a", "pod-c", List.of(ev));
        byte[] ub = PodClient.json(unknown);
        r = a.federation().client().send("pod-c", OrgWire.EVENTS, new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope("pod-a",
                Ed25519.b64(ub), Ed25519.b64(a.federation().identity().sign(OrgEnvelope.envelopeSigned("pod-a", "pod-c", ub))))));
        assertTrue(r instanceof PodResult.Failed f && "unknown_org_channel".equals(f.code()), r.toString());
        // The genuine one is applied (once, even if sent twice).
        var genuine = new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope("pod-a", Ed25519.b64(body), Ed25519.b64(sigByA)));
        r = b.federation().client().send("pod-c", OrgWire.RELAYED, genuine);
        assertTrue(r.ok(), r.toString());
        r = b.federation().client().send("pod-c", OrgWire.RELAYED, genuine);
        assertTrue(r.ok(), r.toString());
        List<String> onC = Orgs3.contents(c, s.chats().get(2));
        assertEquals(List.of("forged"), onC); // "forged" is the text of the genuine batch; "altered" never landed
    }

    @Test
    void aStoppedPodGetsItsBacklogInOrderAndTheIndicatorComesAndGoes() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        Pods.linkAll(a, b, c);
        Orgs3.Shared s = Orgs3.share("shared", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1), chatC = s.chats().get(2);
        Orgs3.post(a, chatA, "before");
        Await.until(WAIT, "the first message on B", () -> Orgs3.contents(b, chatB).contains("before"));
        WsClient onA = ws(a, a.admin());

        b.server().stop();
        Await.until(WAIT, "A to declare B dead", () -> a.federation().health().health("pod-b").state() == PeerState.DEAD);
        JsonNode frame = onA.await(f -> "org.peers".equals(f.path("type").asText())
                && f.path("payload").path("unreachable").toString().contains("pod-b"), WAIT);
        assertEquals(chatA.toString(), frame.path("payload").path("chatId").asText());
        assertTrue(frame.path("payload").path("message").asText().contains("unreachable"));
        JsonNode status = a.http().get("/api/v1/chats/" + chatA + "/org-status", a.admin()).body();
        assertEquals("[\"pod-b\"]", status.get("unreachable").toString());
        // A and C keep posting while B is down; local posting does not wait.
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Pods.Pod p = i % 2 == 0 ? a : c;
            String text = "while B is down " + i;
            long t0 = System.nanoTime();
            Orgs3.post(p, i % 2 == 0 ? chatA : chatC, text);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos(), "a local post waited on a peer");
            sent.add(text);
        }
        Await.until(WAIT, "A and C to agree while B is down", () -> Orgs3.digest(a, s).equals(Orgs3.digest(c, s)));

        TestServer restarted = TestServer.restartOnSamePort(b.server());
        Pods.Pod b2 = new Pods.Pod("pod-b", restarted, new Http(restarted.baseUrl()), b.admin(), b.team());
        open.add(b2);
        Await.until(WAIT, "B to catch up with the backlog", () -> Orgs3.contents(b2, chatB).containsAll(sent));
        Await.until(WAIT, "every pod's digest to be equal", () -> {
            String da = Orgs3.digest(a, s), db = Orgs3.digest(b2, s), dc = Orgs3.digest(c, s);
            return da.equals(db) && db.equals(dc);
        });
        assertEquals(Orgs3.merged(a, chatA), Orgs3.merged(b2, chatB));
        assertEquals(31, Orgs3.merged(b2, chatB).size()); // nothing duplicated
        // The backlog arrived in each origin's order: B's log has A's messages in A's order.
        List<String> onB = Orgs3.contents(b2, chatB);
        List<String> fromA = onB.stream().filter(x -> x.startsWith("while B is down ") && Integer.parseInt(x.substring(16)) % 2 == 0).toList();
        List<String> expectedA = sent.stream().filter(x -> Integer.parseInt(x.substring(16)) % 2 == 0).toList();
        assertEquals(expectedA, fromA);
        onA.await(f -> "org.peers".equals(f.path("type").asText()) && f.path("payload").path("unreachable").isEmpty()
                && f.path("payload").path("unreachable").isArray(), WAIT);
        // The frame above may be one sent before B went down: the indicator's end is what the status says.
        Await.until(WAIT, "A's org status to drop pod-b", () ->
                !a.http().get("/api/v1/chats/" + chatA + "/org-status", a.admin()).body().get("unreachable").toString().contains("pod-b"));
    }
}
