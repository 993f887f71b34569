package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.parley.server.WsClient.payload;
import static io.parley.server.gateway.PresenceFrames.changed;
import static io.parley.server.gateway.PresenceFrames.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Away after inactivity and subscription expiry, with away after 2 s and subscriptions lapsing after 1 s. */
@Timeout(60)
class PresenceTimersEndToEndTest {
    private static final Duration AWAY = Duration.ofSeconds(2);
    private static final Duration TTL = Duration.ofSeconds(1);
    private static TestServer server;
    private static Team team;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "realtime.presence_away_after", AWAY.toMillis() + "ms",
                "realtime.presence_subscription_ttl", TTL.toMillis() + "ms",
                "realtime.presence_batch", "200ms"));
        team = Team.bootstrap(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Tokens person() {
        return team.add("timer" + names.incrementAndGet());
    }

    private static WsClient connect(Tokens t) {
        return PresenceFrames.connect(server, t);
    }

    /** Subscribes again every half TTL until the watcher sees the status (in the answer or a change). */
    private static JsonNode renewUntil(WsClient watcher, Tokens who, String status, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            JsonNode now = subscribe(watcher, who.user().id()).get(who.user().id().toString());
            if (status.equals(now.path("status").asText())) return now;
            try {
                return watcher.await(changed(who, status), TTL.dividedBy(2));
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
            }
        }
    }

    @Test
    void awayAfterInactivityAndBackOnActivity() {
        Tokens ana = person();
        Tokens ben = person();
        try (WsClient b = connect(ben); WsClient a = PresenceFrames.connectWatched(server, b, ana)) {
            long connected = System.nanoTime();
            renewUntil(b, ana, "away", AWAY.plusSeconds(5));
            long elapsedMs = (System.nanoTime() - connected) / 1_000_000;
            assertTrue(elapsedMs >= AWAY.toMillis() - 200, "away after " + elapsedMs + " ms");
            a.send("ping", payload()); // a heartbeat is not activity ...
            a.send("presence.unsubscribe", payload().set("userIds", payload().arrayNode().add(UUID.randomUUID().toString()))); // ... any other frame is
            renewUntil(b, ana, "available", Duration.ofSeconds(5));
        }
    }

    @Test
    void aSubscriptionLapsesUnlessRenewed() {
        Tokens ana = person();
        Tokens ben = person();
        Tokens cid = person();
        try (WsClient a = connect(ana); WsClient lapsed = connect(ben); WsClient renewing = connect(cid)) {
            subscribe(lapsed, ana.user().id());
            assertEquals("available", subscribe(renewing, ana.user().id()).get(ana.user().id().toString()).path("status").asText());
            // ana turns away after AWAY (2 s) without activity, well past the 1 s TTL of the lapsed watcher
            renewUntil(renewing, ana, "away", AWAY.plusSeconds(5));
            lapsed.assertNothing(changed(ana, "away"));
        }
    }
}
