package io.parley.server.chaos;

import io.parley.server.Await;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 §3: with {@code ackAfterReplicas: 1}, losing the primary pod's whole data directory loses no acked post.
 *
 * <p>Two pods, each a process of its own: {@code pod-a} shares a channel and makes it resilient with {@code pod-b} as
 * its replica (which does not map it: its sealed log is the only other copy). A WebSocket load posts on pod-a as
 * fast as acks come. pod-b is killed (-9) mid-stream: from then on posts are refused with
 * {@code replication_unavailable}. Then pod-a is killed too and its data directory deleted. pod-b comes back; a fresh
 * pod-a (new key, new port, empty store) is linked to it, learns the org from it, maps the channel and restores it
 * from pod-b with the admin action. Every acked post is there; no post sent after pod-b died is.
 */
@Timeout(300)
class PrimaryDataLossTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A pod process and its admin. */
    private record Pod(String id, Path dataDir, ServerProcess process, String token, UUID workspaceId) {
        Http http() { return new Http(process.baseUrl()); }
    }

    private static Pod start(Chaos.Scratch scratch, String id, String dir) throws Exception {
        Path data = scratch.dir.resolve(dir);
        ServerProcess p = scratch.add(ServerProcess.start(data, List.of(), env(id), START));
        Chaos.Site site = Chaos.bootstrap(p.baseUrl());
        return new Pod(id, data, p, site.token(), site.workspaceId());
    }

    private static Map<String, String> env(String id) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PARLEY_POD_ID", id);
        env.put("PARLEY_POD_HEARTBEAT_INTERVAL", "200ms");
        env.put("PARLEY_POD_DEAD_AFTER_MISSED", "3");
        env.put("PARLEY_POD_GRACE", "600ms");
        env.put("PARLEY_POD_ORG_RESYNC_INTERVAL", "1s"); // the surviving pod tells the fresh one the org soon
        return env;
    }

    private static void link(Pod inviter, Pod accepter) throws InterruptedException {
        Http.Res inv = inviter.http().post("/api/v1/admin/pod/invitations", Map.of(), inviter.token());
        assertEquals(201, inv.status(), inv.raw());
        Http.Res r = accepter.http().post("/api/v1/admin/pod/peers", Map.of("invitation", inv.body().get("invitation").asText()), accepter.token());
        assertEquals(201, r.status(), r.raw());
        Await.until(Duration.ofSeconds(20), inviter.id() + " and " + accepter.id() + " alive to each other",
                () -> "alive".equals(state(inviter, accepter.id())) && "alive".equals(state(accepter, inviter.id())));
    }

    private static String state(Pod p, String peer) {
        Http.Res r = p.http().get("/api/v1/admin/pod/peers", p.token());
        for (JsonNode n : r.body().path("peers")) if (n.path("id").asText().equals(peer)) return n.path("state").asText();
        return null;
    }

    @Test
    void losingThePrimarysDataDirectoryLosesNoAckedPost() throws Exception {
        try (Chaos.Scratch scratch = new Chaos.Scratch()) {
            Pod a = start(scratch, "pod-a", "pod-a");
            Pod b = start(scratch, "pod-b", "pod-b");
            link(a, b);
            Http.Res org = a.http().post("/api/v1/admin/pod/orgs", Map.of("name", "Loss org"), a.token());
            assertEquals(201, org.status(), org.raw());
            String orgId = org.body().get("org").get("id").asText();
            assertEquals(200, a.http().post("/api/v1/admin/pod/orgs/" + orgId + "/members", Map.of("pod", "pod-b"), a.token()).status());
            Http.Res ch = a.http().post("/api/v1/workspaces/" + a.workspaceId() + "/channels", Map.of("name", "ledger", "private", true), a.token());
            assertEquals(201, ch.status(), ch.raw());
            UUID chat = UUID.fromString(ch.body().get("chat").get("id").asText());
            Http.Res sh = a.http().post("/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", chat), a.token());
            assertEquals(201, sh.status(), sh.raw());
            String path = "/api/v1/admin/pod/org-channels/" + URLEncoder.encode(sh.body().get("channel").get("id").asText(), StandardCharsets.UTF_8);
            Await.until(WAIT, "pod-b to know the org channel", () -> b.http().get(path, b.token()).status() == 200);
            Http.Res put = a.http().put(path + "/resilience", Map.of("replicas", List.of("pod-b"), "ackAfterReplicas", 1, "ackTimeoutMs", 1500),
                    a.token());
            assertEquals(200, put.status(), put.raw());
            assertTrue(put.raw().contains("\"status\":\"accepted\""), put.raw());

            // Posts stream in; pod-b dies in the middle of it; posts made after that are refused.
            long killedB;
            List<Load.Acked> acked;
            List<Load.Refused> refusedAfterB;
            try (Load load = new Load(a.process().wsUrl(), a.token(), List.of(chat), 2, 8)) {
                load.awaitAcks(300, WAIT);
                b.process().kill();
                killedB = System.nanoTime();
                Await.until(WAIT, "posts sent after pod-b died to be refused", () -> load.refused().stream()
                        .filter(r -> r.sentNanos() > killedB).count() >= 10);
                load.stop();
                acked = load.acked();
                refusedAfterB = load.refused().stream().filter(r -> r.sentNanos() > killedB).toList();
                for (Load.Refused r : load.refused()) assertEquals("replication_unavailable", r.code(), r.toString());
            }
            System.out.printf("acked %d posts, %d refused after pod-b died%n", acked.size(), refusedAfterB.size());

            // pod-a loses its whole data directory.
            a.process().kill();
            Chaos.deleteTree(a.dataDir());

            // pod-b returns; a fresh pod-a is linked to it, learns the org from it, maps the channel and restores it.
            ServerProcess bProcess = scratch.add(b.process().restart(START));
            Pod b2 = new Pod("pod-b", b.dataDir(), bProcess, b.token(), b.workspaceId());
            Pod a2 = start(scratch, "pod-a", "pod-a-fresh");
            assertEquals(204, b2.http().delete("/api/v1/admin/pod/peers/pod-a", b2.token()).status(), "pod-b forgets the lost pod's key");
            link(a2, b2);
            Await.until(WAIT, "the fresh pod-a to learn the org channel from pod-b", () -> a2.http().get(path, a2.token()).status() == 200);
            Http.Res mapped = a2.http().post(path + "/map", Map.of("workspaceId", a2.workspaceId()), a2.token());
            assertEquals(200, mapped.status(), mapped.raw());
            UUID chat2 = UUID.fromString(mapped.body().get("channel").get("chatId").asText());
            Http.Res restored = a2.http().post(path + "/restore", Map.of("from", "pod-b"), a2.token());
            assertEquals(200, restored.status(), restored.raw());

            Set<UUID> ids = new HashSet<>();
            Set<String> contents = new HashSet<>();
            for (JsonNode m : Chaos.history(a2.process().baseUrl(), a2.token(), chat2)) {
                ids.add(UUID.fromString(m.get("id").asText()));
                contents.add(m.path("content").asText());
            }
            int lost = 0;
            for (Load.Acked x : acked) if (!ids.contains(x.messageId())) lost++;
            assertEquals(0, lost, lost + " of " + acked.size() + " acked posts are not on the restored primary");
            for (Load.Refused r : refusedAfterB) assertTrue(!contents.contains(r.content()), "refused, yet restored: " + r);
            Http.Res replica = b2.http().get(path + "/replica", b2.token());
            assertEquals(200, replica.status(), replica.raw());
            assertEquals(replica.body().get("digest").asText(), restored.body().get("digest").asText(),
                    "the restored channel is the replica's copy");
        }
    }
}
