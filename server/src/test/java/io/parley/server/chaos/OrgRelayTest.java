package io.parley.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import io.parley.server.federation.org.Orgs3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health-aware fan-out around a cut link: pods A, B and C all linked, A and C through {@link TcpProxy}s only (B
 * reaches C directly), so severing those two proxies cuts A–C both ways while A–B and B–C stay up. A's messages
 * must reach C through B (and C's reach A), and after the link heals, with writes made on both sides meanwhile,
 * every pod's digest of the org channel is the same and every pod's log holds each origin's messages in its order.
 */
@Timeout(120)
class OrgRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@return the invitation with another URL for its pod: how the accepting pod will reach the inviter} */
    private static String withUrl(String invitation, String url) throws Exception {
        ObjectNode n = (ObjectNode) Http.JSON.readTree(Base64.getUrlDecoder().decode(invitation));
        n.put("url", url);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Http.JSON.writeValueAsBytes(n));
    }

    private static void link(Pods.Pod inviter, Pods.Pod accepter, String inviterUrl) throws Exception {
        String inv = withUrl(inviter.invite().get("invitation").asText(), inviterUrl);
        Http.Res r = accepter.accept(inv);
        assertEquals(201, r.status(), r.raw());
        Await.until(Duration.ofSeconds(10), inviter.id() + " and " + accepter.id() + " alive",
                () -> "alive".equals(inviter.state(accepter.id())) && "alive".equals(accepter.state(inviter.id()))
                        && inviter.federation().health().health(accepter.id()).lastSeen() != null);
    }

    private static boolean digestsEqual(Orgs3.Shared s, Pods.Pod... pods) {
        String first = Orgs3.digest(pods[0], s);
        for (Pods.Pod p : pods) if (!Orgs3.digest(p, s).equals(first)) return false;
        return true;
    }

    @Test
    void messagesGoAroundACutLinkThroughARelayAndConvergeAfterHealing() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        TcpProxy toA = new TcpProxy("127.0.0.1", a.server().port());
        open.add(toA);
        Pods.Pod b = open.pod("pod-b");
        int cPort = freePort();
        TcpProxy toC = new TcpProxy("127.0.0.1", cPort);
        open.add(toC);
        Pods.Pod c = open.pod("pod-c", Map.of("server.port", Integer.toString(cPort), "pod.public_url", "http://" + toC.hostPort()));
        Pods.link(a, b);
        link(c, b, c.server().baseUrl());          // B reaches C directly
        link(a, c, "http://" + toA.hostPort());    // C reaches A through toA; A reaches C through toC (C's public URL)
        assertEquals("http://" + toC.hostPort(), a.peer("pod-c").get("url").asText());
        assertEquals(c.server().baseUrl(), b.peer("pod-c").get("url").asText());

        Orgs3.Shared s = Orgs3.share("incidents", a, b, c);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1), chatC = s.chats().get(2);
        Orgs3.post(a, chatA, "before the cut");
        Await.until(WAIT, "the first message on C", () -> Orgs3.contents(c, chatC).contains("before the cut"));

        toA.sever();
        toC.sever();
        List<String> fromA = new ArrayList<>(), fromC = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fromA.add(Orgs3.post(a, chatA, "A during the cut " + i).get("content").asText());
            fromC.add(Orgs3.post(c, chatC, "C during the cut " + i).get("content").asText());
        }
        Await.until(WAIT, "A's messages on C and C's on A, through B", () ->
                Orgs3.contents(c, chatC).containsAll(fromA) && Orgs3.contents(a, chatA).containsAll(fromC));
        // A lane records its path when the relay's answer is back, which can be after the recipient shows the message.
        Await.until(WAIT, "A's lane to C and C's lane to A via relay:pod-b", () ->
                "relay:pod-b".equals(peerState(a, s, "pod-c").path("lastPath").asText())
                        && "relay:pod-b".equals(peerState(c, s, "pod-a").path("lastPath").asText()));
        Await.until(WAIT, "digests equal while the link is cut", () -> digestsEqual(s, a, b, c));

        toA.restore();
        toC.restore();
        // Concurrent writes on both sides while the link heals.
        Thread wa = Thread.ofVirtual().start(() -> { for (int i = 0; i < 10; i++) Orgs3.post(a, chatA, "A healing " + i); });
        Thread wc = Thread.ofVirtual().start(() -> { for (int i = 0; i < 10; i++) Orgs3.post(c, chatC, "C healing " + i); });
        wa.join();
        wc.join();
        Await.until(WAIT, "every pod's digest equal after healing", () -> digestsEqual(s, a, b, c));
        List<String> merged = Orgs3.merged(a, chatA);
        assertEquals(merged, Orgs3.merged(b, chatB));
        assertEquals(merged, Orgs3.merged(c, chatC));
        assertEquals(31, merged.size());
        // Each pod's own log holds each origin's messages in the origin's order, whichever path they came by.
        var byOrigin = Orgs3.byOrigin(a, chatA);
        assertEquals(List.of("pod-a", "pod-c"), List.copyOf(byOrigin.keySet()));
        assertEquals(byOrigin, Orgs3.byOrigin(b, chatB));
        assertEquals(byOrigin, Orgs3.byOrigin(c, chatC));
        Await.until(WAIT, "A back on the direct path to C", () -> {
            Orgs3.post(a, chatA, "after");
            return "direct".equals(peerState(a, s, "pod-c").path("lastPath").asText());
        });
        assertTrue(peerState(a, s, "pod-c").get("pathSuccesses").has("relay:pod-b"));
    }

    private static JsonNode peerState(Pods.Pod p, Orgs3.Shared s, String peer) {
        Http.Res r = p.http().get(s.path(), p.admin());
        assertEquals(200, r.status(), r.raw());
        for (JsonNode n : r.body().get("channel").get("peers")) if (n.get("pod").asText().equals(peer)) return n;
        throw new AssertionError("no peer " + peer + " in " + r.raw());
    }
}
