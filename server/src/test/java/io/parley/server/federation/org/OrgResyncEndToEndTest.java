package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Org state (members, channel offers) is sent again: to a peer that comes back ALIVE (it missed the change while it
 * was away), and on a timer (a sync lost otherwise).
 */
@Timeout(120)
class OrgResyncEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private static List<String> orgChannels(Pods.Pod p) {
        Http.Res r = p.http().get("/api/v1/admin/pod/org-channels", p.admin());
        if (r.status() != 200) return List.of();
        List<String> out = new ArrayList<>();
        for (JsonNode ch : r.body().get("channels")) out.add(ch.get("id").asText());
        return out;
    }

    private static String newOrgWithChannel(Pods.Pod a, String member, String channel) {
        Http.Res org = a.http().post("/api/v1/admin/pod/orgs", Map.of("name", "Acme org"), a.admin());
        assertEquals(201, org.status(), org.raw());
        String orgId = org.body().get("org").get("id").asText();
        assertEquals(200, a.http().post("/api/v1/admin/pod/orgs/" + orgId + "/members", Map.of("pod", member), a.admin()).status());
        var chat = a.team().channel(a.team().owner, channel, false);
        Http.Res sh = a.http().post("/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", chat.id()), a.admin());
        assertEquals(201, sh.status(), sh.raw());
        return sh.body().get("channel").get("id").asText();
    }

    @Test
    void aPodThatWasAwayGetsTheOrgWhenItComesBack() throws Exception {
        Pods.Pod a = open.pod("pod-a", Map.of()); // the timer (60 s) plays no part here
        Pods.Pod b = open.pod("pod-b", Map.of());
        Pods.link(a, b);
        b.server().stop();
        Await.until(WAIT, "A to see B dead", () -> "dead".equals(a.state("pod-b")));
        String channel = newOrgWithChannel(a, "pod-b", "while-away");
        TestServer back = TestServer.restartOnSamePort(b.server());
        Pods.Pod b2 = new Pods.Pod("pod-b", back, new Http(back.baseUrl()), b.admin(), b.team());
        open.add(b2);
        Await.until(WAIT, "B to know the org and its channel after coming back", () -> orgChannels(b2).contains(channel));
        JsonNode orgs = b2.http().get("/api/v1/admin/pod/orgs", b2.admin()).body().get("orgs");
        assertEquals(2, orgs.get(0).get("members").size(), orgs.toString());
    }

    @Test
    void aLostOfferIsSentAgainOnTheTimer() throws Exception {
        Pods.Pod a = open.pod("pod-a", Map.of("pod.org_resync_interval", "1s"));
        Pods.Pod b = open.pod("pod-b", Map.of());
        Pods.link(a, b);
        String channel = newOrgWithChannel(a, "pod-b", "lost");
        Await.until(WAIT, "B to be offered the channel", () -> orgChannels(b).contains(channel));
        // B loses the offer (as if the sync that brought it had failed); A's next round brings it back.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + b.server().dataDir().resolve("parley.db").toAbsolutePath());
             PreparedStatement ps = c.prepareStatement("DELETE FROM org_channels WHERE id = ?")) {
            c.createStatement().execute("PRAGMA busy_timeout = 5000");
            ps.setString(1, channel);
            assertEquals(1, ps.executeUpdate());
        }
        assertTrue(!orgChannels(b).contains(channel), "the offer is gone on B");
        Await.until(WAIT, "the offer back on B", () -> orgChannels(b).contains(channel));
    }
}
