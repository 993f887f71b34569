package io.parley.server.federation;

import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica on PostgreSQL: the handshake, the sealed replica log, serving it opened and forgetting it (V70 on PostgreSQL). */
@Timeout(90)
class ResilientPostgresTest {
    @Test
    void aReplicaOnPostgresHoldsAndForgetsTheSealedLog() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> pg = new HashMap<>(schema.serverConfig());
            try (Pods.Pod a = Pods.start("pod-a"); Pods.Pod b = Pods.of("pod-b", TestServer.start(with(pg)))) {
                Pods.link(a, b);
                Orgs3.Shared s = Orgs3.share("pg", a, b);
                Orgs3.post(a, s.chats().get(0), "kept sealed on PostgreSQL");
                Http.Res put = a.http().put(s.path() + "/resilience", Map.of("replicas", List.of("pod-b")), a.admin());
                assertEquals(200, put.status(), put.raw());
                Await.until(Duration.ofSeconds(20), "the PostgreSQL replica to hold the message", () -> {
                    Http.Res r = b.http().get(s.path() + "/replica", b.admin());
                    if (r.status() != 200) return false;
                    List<String> contents = new ArrayList<>();
                    r.body().get("messages").forEach(m -> contents.add(m.path("content").asText()));
                    return contents.contains("kept sealed on PostgreSQL");
                });
                assertTrue(b.http().get(s.path() + "/resilience", b.admin()).body().get("resilience").get("storedBytes").asLong() > 0);
                assertEquals(204, a.http().delete(s.path() + "/resilience", a.admin()).status());
                Await.until(Duration.ofSeconds(20), "the replica to forget it", () -> b.http().get(s.path() + "/resilience", b.admin()).status() == 404);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> pg) {
        Map<String, String> o = new HashMap<>(pg);
        o.put("pod.id", "pod-b");
        o.put("pod.heartbeat_interval", Pods.INTERVAL.toMillis() + "ms");
        o.put("pod.dead_after_missed", Integer.toString(Pods.MISSED));
        o.put("pod.grace", Pods.GRACE.toMillis() + "ms");
        return o;
    }
}
