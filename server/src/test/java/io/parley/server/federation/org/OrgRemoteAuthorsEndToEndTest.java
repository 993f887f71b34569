package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Remote authors are visible to whoever reads an org-shared chat they wrote or reacted in: {@code GET /users/{id}}
 * shows their shadow ({@code owner@pod-a}, display name, {@code remote}, {@code pod}) and nothing private; to anyone
 * else they do not exist.
 */
@Timeout(120)
class OrgRemoteAuthorsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    @Test
    void aRemoteAuthorIsShownToReadersOfTheSharedChatOnly() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("people", a, b);
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1);
        var carol = a.team().add("carol");
        assertTrue(a.http().post("/api/v1/chats/" + chatA + "/members", Map.of("userIds", List.of(carol.user().id())), a.admin())
                .status() < 300);
        var bob = b.team().add("bob"); // on B, not in the channel

        String fromA = Orgs3.post(a, chatA, "hello from A").get("id").asText();
        JsonNode fromB = Orgs3.post(b, chatB, "hello from B");
        Await.until(WAIT, "B's message on A", () -> Orgs3.contents(a, chatA).contains("hello from B"));
        assertTrue(a.http().post("/api/v1/messages/" + fromB.get("id").asText() + "/reactions", Map.of("emoji", ":wave:"),
                carol.accessToken()).status() < 300);

        Await.until(WAIT, "A's message and carol's reaction on B", () -> {
            Http.Res r = b.http().get("/api/v1/messages/" + fromB.get("id").asText(), b.admin());
            return Orgs3.contents(b, chatB).contains("hello from A") && r.status() == 200
                    && r.body().get("message").path("reactions").size() == 1;
        });
        UUID owner = UUID.fromString(b.http().get("/api/v1/messages/" + fromA, b.admin()).body().get("message").get("senderId").asText());
        JsonNode reaction = b.http().get("/api/v1/messages/" + fromB.get("id").asText(), b.admin()).body().get("message")
                .get("reactions").get(0);
        UUID carolOnB = UUID.fromString(reaction.get("users").get(0).asText());

        // A reader of the chat sees the author, and the one who only reacted, as remote users of pod A.
        for (UUID id : List.of(owner, carolOnB)) {
            Http.Res r = b.http().get("/api/v1/users/" + id, b.admin());
            assertEquals(200, r.status(), r.raw());
            JsonNode u = r.body().get("user");
            assertAll(
                    () -> assertTrue(u.get("handle").asText().endsWith("@pod-a"), u.toString()),
                    () -> assertTrue(u.get("remote").asBoolean(), u.toString()),
                    () -> assertEquals("pod-a", u.get("pod").asText()),
                    () -> assertFalse(u.has("email"), "nothing private: " + u),
                    () -> assertFalse(r.raw().contains("remote.invalid"), r.raw()));
        }
        assertEquals("owner@pod-a", b.http().get("/api/v1/users/" + owner, b.admin()).body().get("user").get("handle").asText());
        assertEquals("carol@pod-a", b.http().get("/api/v1/users/" + carolOnB, b.admin()).body().get("user").get("handle").asText());
        // Someone who does not read the chat: no such user.
        assertEquals(404, b.http().get("/api/v1/users/" + owner, bob.accessToken()).status());
        // A local user is still shown as before, without the remote fields.
        JsonNode local = b.http().get("/api/v1/users/" + bob.user().id(), b.admin()).body().get("user");
        assertFalse(local.has("remote") || local.has("pod"), local.toString());
    }
}
