package io.parley.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Http;
import io.parley.server.Http.Res;
import io.parley.server.Team;
import io.parley.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names shown to others over real REST: what a person types is refused, naming the field, when it holds characters
 * that reorder or hide text; what an integration sends (a webhook's display-name override) is cleaned instead.
 */
@Timeout(60)
class SpoofableNamesEndToEndTest {
    private static final String V = "/api/v1";
    /** Bidi overrides, embeddings, isolates and marks; zero-width characters; other invisibles; controls. */
    private static final List<String> HIDDEN = List.of("\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067",
            "\u2068", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u180E",
            "\u00AD", "\u3164", "\n", "\u2028");
    private static final String ANA_TECHNOLOGIST = "Ana \uD83D\uDC69\u200D\uD83D\uDCBB"; // "Ana 👩‍💻": a ZWJ inside an emoji
    private static final AtomicInteger names = new AtomicInteger();
    private static TestServer server;
    private static Team team;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void refused(Res r, String field, String what) {
        assertEquals(400, r.status(), what + ": " + r.raw());
        assertEquals("invalid_request", r.body().get("error").get("code").asText(), what);
        assertTrue(r.body().get("error").get("message").asText().startsWith(field), what + ": " + r.raw());
    }

    private static String spoof(String hidden) {
        return "adm" + hidden + "in";
    }

    @Test
    void displayNamesRefuseHiddenCharactersAndKeepEmojiSequences() {
        Tokens t = team.add("person" + names.incrementAndGet());
        for (String h : HIDDEN) {
            refused(http.patch(V + "/users/me", Map.of("displayName", spoof(h)), t.accessToken()), "displayName", h);
        }
        refused(http.patch(V + "/users/me", Map.of("handle", "adm\u202Ein"), t.accessToken()), "handle", "handle");
        assertEquals(t.user().handle(), http.get(V + "/users/me", t.accessToken()).body().get("user").get("displayName").asText(),
                "nothing was stored");

        Res ok = http.patch(V + "/users/me", Map.of("displayName", ANA_TECHNOLOGIST), t.accessToken());
        assertEquals(200, ok.status(), ok.raw());
        assertEquals(ANA_TECHNOLOGIST, ok.body().get("user").get("displayName").asText());
        String persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"; // a ZWNJ between two Arabic-script letters
        assertEquals(200, http.patch(V + "/users/me", Map.of("displayName", persian), t.accessToken()).status());
    }

    @Test
    void signUpRefusesAHiddenDisplayName() {
        Res invite = http.post(V + "/workspaces/" + team.workspaceId + "/invites", Map.of(), team.owner.accessToken());
        assertEquals(201, invite.status(), invite.raw());
        String code = invite.body().get("invite").get("code").asText();
        String handle = "signup" + names.incrementAndGet();
        refused(http.post(V + "/auth/register", Map.of("inviteCode", code, "email", handle + "@example.com", "handle", handle,
                "displayName", "Olive Owner\u202E", "password", "a long password"), null), "displayName", "sign-up");
        Res ok = http.post(V + "/auth/register", Map.of("inviteCode", code, "email", handle + "@example.com", "handle", handle,
                "displayName", "Olive", "password", "a long password"), null);
        assertEquals(201, ok.status(), "the invite was not used up by the refusal: " + ok.raw());
    }

    @Test
    void workspaceAndChannelNamesTopicsAndPurposesRefuseThem() {
        String admin = team.owner.accessToken();
        refused(http.post(V + "/workspaces", Map.of("name", "Acme\u200B"), admin), "name", "workspace");
        refused(http.patch(V + "/workspaces/" + team.workspaceId + "/settings", Map.of("name", "Ac\u2066me"), admin), "name", "rename");
        String channels = V + "/workspaces/" + team.workspaceId + "/channels";
        refused(http.post(channels, Map.of("name", "ops\u202E"), admin), "name", "channel name");
        refused(http.post(channels, Map.of("name", "ops", "topic", "\u2067deploys\u2069"), admin), "topic", "topic");
        refused(http.post(channels, Map.of("name", "ops", "purpose", "zero\u200Bwidth"), admin), "purpose", "purpose");
        JsonNode list = http.get(channels + "?all=true", admin).body().get("chats");
        assertFalse(list.findValuesAsText("name").contains("ops"), "no channel was created");
        assertEquals(List.of(), http.get(V + "/workspaces", admin).body().get("workspaces").findValuesAsText("name").stream()
                .filter(n -> n.startsWith("Acme\u200B")).toList());

        Res created = http.post(channels, Map.of("name", "ops", "topic", "deploys \uD83D\uDE80"), admin);
        assertEquals(201, created.status(), created.raw());
        String chat = V + "/chats/" + created.body().get("chat").get("id").asText();
        refused(http.patch(chat, Map.of("topic", "\u202Esyolped"), admin), "topic", "topic change");
        assertEquals("deploys \uD83D\uDE80", http.get(chat, admin).body().get("chat").get("topic").asText());
    }

    @Test
    void webhooksRefuseAHiddenNameButCleanTheDisplayNameAPostAsksFor() {
        String admin = team.owner.accessToken();
        String hooks = V + "/chats/" + team.general + "/webhooks";
        refused(http.post(hooks, Map.of("name", "Alerts\u202E"), admin), "name", "webhook name");
        Res created = http.post(hooks, Map.of("name", "Alerts"), admin);
        assertEquals(201, created.status(), created.raw());
        String url = created.body().get("webhook").get("url").asText();
        String hook = url.substring(url.indexOf("/hooks/"));

        Res posted = http.post(hook, Map.of("text", "disk full", "username", "\u202EGrafana\u200B"), null);
        assertEquals(200, posted.status(), "an Alertmanager-style post is not refused: " + posted.raw());
        assertEquals(200, http.post(hook, Map.of("text", "deployed", "username", ANA_TECHNOLOGIST), null).status());
        JsonNode messages = http.get(V + "/chats/" + team.general + "/messages?limit=10", admin).body().get("messages");
        List<String> bots = messages.findValues("bot").stream().map(b -> b.get("name").asText()).sorted().toList();
        assertEquals(List.of(ANA_TECHNOLOGIST, "Grafana"), bots);
    }
}
