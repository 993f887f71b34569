package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token expiry, renewal on the socket, heartbeat timeout and revocation sweeps, with shortened timers. */
@Timeout(60)
class SessionLifecycleTest {

    @Test
    void theServerAnnouncesExpiryAndTheSocketIsRenewedWithoutReconnecting() {
        try (TestServer server = TestServer.start(Map.of("auth.access_ttl", "6s", "gateway.token_refresh_lead", "4500ms"))) {
            Team team = Team.bootstrap(server);
            try (WsClient c = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
                c.awaitType("hello");
                JsonNode refresh = c.await(f -> "token.refresh".equals(f.path("type").asText()), Duration.ofSeconds(5));
                assertTrue(Instant.parse(refresh.path("payload").path("expiresAt").asText()).isAfter(Instant.now()));
                Tokens renewed = team.services.auth().refresh(team.owner.refreshToken());
                UUID id = c.send("auth.refresh", payload().put("accessToken", renewed.accessToken()));
                JsonNode ack = c.awaitReply(id);
                assertEquals("ok", ack.path("payload").path("status").asText());
                // past the first token's expiry the socket still works
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (Instant.now().isBefore(team.owner.accessExpiresAt().plusMillis(1500)) && System.nanoTime() < deadline) {
                    UUID ping = c.send("ping", payload());
                    c.await(f -> "pong".equals(f.path("type").asText()) && ping.toString().equals(f.path("payload").path("refId").asText()));
                }
                UUID ping = c.send("ping", payload());
                c.await(f -> "pong".equals(f.path("type").asText()) && ping.toString().equals(f.path("payload").path("refId").asText()));
            }
        }
    }

    @Test
    void anExpiredTokenClosesTheSocket() {
        try (TestServer server = TestServer.start(Map.of("auth.access_ttl", "2s", "gateway.token_refresh_lead", "1s"))) {
            Team team = Team.bootstrap(server);
            try (WsClient c = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
                c.awaitType("hello");
                assertEquals(4501, c.awaitClose(Duration.ofSeconds(8)));
            }
        }
    }

    @Test
    void aSilentClientIsClosedAfterTheHeartbeatTimeout() {
        try (TestServer server = TestServer.start(Map.of("gateway.heartbeat_timeout", "2s"))) {
            Team team = Team.bootstrap(server);
            try (WsClient c = WsClient.connect(server.wsUrl(), team.owner.accessToken())) {
                c.awaitType("hello");
                assertEquals(4001, c.awaitClose(Duration.ofSeconds(8)));
            }
        }
    }

    @Test
    void aPasswordChangeClosesTheOtherSessionsSockets() {
        try (TestServer server = TestServer.start(Map.of("gateway.revocation_sweep", "1s"))) {
            Team team = Team.bootstrap(server);
            Tokens other = team.services.auth().login("owner@example.com", "correct horse battery", "127.0.0.1");
            try (WsClient keep = WsClient.connect(server.wsUrl(), team.owner.accessToken());
                 WsClient revoked = WsClient.connect(server.wsUrl(), other.accessToken())) {
                keep.awaitType("hello");
                revoked.awaitType("hello");
                team.services.auth().changePassword(team.services.auth().authenticate(team.owner.accessToken()),
                        "correct horse battery", "even better horse", "127.0.0.1");
                assertEquals(4501, revoked.awaitClose(Duration.ofSeconds(5)));
                UUID ping = keep.send("ping", payload());
                keep.await(f -> "pong".equals(f.path("type").asText()) && ping.toString().equals(f.path("payload").path("refId").asText()));
            }
        }
    }
}
