package io.parley.server.app;

import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /health, /ready and /metrics of a running node, in the shapes operations rely on. */
@Timeout(60)
class OpsEndToEndTest {
    @Test
    void probesAndMetricsDescribeTheNode() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.baseUrl());
            Team team = Team.bootstrap(server);
            try (WsClient c = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
                c.awaitType("hello");
                UUID id = c.send("message.send", payload().put("chatId", team.general.toString()).put("content", "metrics please"));
                c.awaitReply(id);
                c.send("message.explode", payload());
                c.awaitType("error");

                var health = http.get("/health", null);
                var ready = http.get("/ready", null);
                assertAll(
                        () -> assertEquals(200, health.status()),
                        () -> assertEquals("healthy", health.body().path("status").asText()),
                        () -> assertTrue(health.body().path("database").path("connected").asBoolean()),
                        () -> assertTrue(health.body().path("database").path("responseTime").isNumber()),
                        () -> assertEquals(1, health.body().path("websocket").path("connections").asInt()),
                        () -> assertEquals(200, ready.status()),
                        () -> assertTrue(ready.body().path("ready").asBoolean()),
                        () -> assertEquals("healthy", ready.body().path("checks").path("database").asText()));

                var metrics = http.get("/metrics", null);
                String text = metrics.raw();
                assertAll(
                        () -> assertEquals(200, metrics.status()),
                        () -> assertTrue(metrics.header("content-type").startsWith("text/plain")),
                        () -> assertTrue(text.contains("parley_ws_connections 1.0"), "connections gauge"),
                        () -> assertTrue(text.contains("parley_messages_sent_total 1.0"), "sends counter"),
                        () -> assertTrue(text.contains("parley_errors_total{code=\"unknown_type\"} 1.0"), "errors by code"),
                        () -> assertTrue(text.contains("parley_persist_latency_seconds_bucket"), "persist histogram"),
                        () -> assertTrue(text.contains("parley_fanout_latency_seconds_count"), "fan-out histogram"),
                        () -> assertTrue(!text.contains("metrics please"), "message content never appears in metrics"));
            }
        }
    }
}
