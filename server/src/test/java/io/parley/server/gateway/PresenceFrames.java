package io.parley.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.core.auth.Tokens;
import io.parley.server.TestServer;
import io.parley.server.WsClient;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Presence over a WebSocket as the presence tests speak it: connect, subscribe, and what a change looks like. */
final class PresenceFrames {
    private PresenceFrames() {}

    /** {@return a connection of the user's, past its hello} */
    static WsClient connect(TestServer server, Tokens t) {
        WsClient c = WsClient.connect(server.wsUrl(), t.accessToken());
        c.awaitType("hello");
        return c;
    }

    /** Subscribes and {@return the presence.state answer's users, by id} */
    static Map<String, JsonNode> subscribe(WsClient c, UUID... userIds) {
        ObjectNode p = payload();
        var ids = p.putArray("userIds");
        for (UUID u : userIds) ids.add(u.toString());
        UUID ref = c.send("presence.subscribe", p);
        JsonNode state = c.await(f -> ref.toString().equals(f.path("payload").path("refId").asText()));
        assertEquals("presence.state", state.path("type").asText(), () -> "answer: " + state);
        Map<String, JsonNode> byId = new HashMap<>();
        state.path("payload").path("users").forEach(u -> byId.put(u.path("userId").asText(), u));
        return byId;
    }

    /** {@return a match for a presence change of the user} */
    static Predicate<JsonNode> changed(Tokens who) {
        return f -> "presence.changed".equals(f.path("type").asText())
                && who.user().id().toString().equals(f.path("payload").path("userId").asText());
    }

    static Predicate<JsonNode> changed(Tokens who, String status) {
        return changed(who).and(f -> status.equals(f.path("payload").path("status").asText()));
    }

    /**
     * Subscribes the watcher to an offline user, connects the user and waits for the watcher to see them available,
     * so no change of the connect is still in flight when a test starts. {@return the user's connection}
     */
    static WsClient connectWatched(TestServer server, WsClient watcher, Tokens who) {
        assertEquals("offline", subscribe(watcher, who.user().id()).get(who.user().id().toString()).path("status").asText());
        WsClient c = connect(server, who);
        watcher.await(changed(who, "available"));
        return c;
    }
}
