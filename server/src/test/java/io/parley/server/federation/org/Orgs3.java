package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import io.parley.server.federation.Pods;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test fixture: an org of pods with one org-shared channel, set up through the admin APIs. */
public final class Orgs3 {
    private Orgs3() {}

    /** An org-shared channel and the local chat it maps to on each pod (in the order of the pods given). */
    public record Shared(String orgId, String orgChannelId, List<UUID> chats) {
        public String path() { return "/api/v1/admin/pod/org-channels/" + URLEncoder.encode(orgChannelId, StandardCharsets.UTF_8); }
    }

    /**
     * Makes an org on {@code pods[0]}, adds the others, shares a new private channel of {@code pods[0]} and maps it on
     * every other pod (a new private channel, its admin the only member).
     */
    public static Shared share(String channelName, Pods.Pod... pods) {
        Pods.Pod home = pods[0];
        Http.Res org = home.http().post("/api/v1/admin/pod/orgs", Map.of("name", "Acme org"), home.admin());
        assertEquals(201, org.status(), org.raw());
        String orgId = org.body().get("org").get("id").asText();
        for (int i = 1; i < pods.length; i++) {
            Http.Res r = home.http().post("/api/v1/admin/pod/orgs/" + orgId + "/members", Map.of("pod", pods[i].id()), home.admin());
            assertEquals(200, r.status(), r.raw());
        }
        UUID homeChat = home.team().channel(home.team().owner, channelName, true).id();
        Http.Res sh = home.http().post("/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", homeChat), home.admin());
        assertEquals(201, sh.status(), sh.raw());
        String id = sh.body().get("channel").get("id").asText();
        assertEquals("org:" + orgId + "#" + channelName, id);
        List<UUID> chats = new ArrayList<>();
        chats.add(homeChat);
        Shared s = new Shared(orgId, id, chats);
        for (int i = 1; i < pods.length; i++) {
            Pods.Pod p = pods[i];
            Http.Res m = p.http().post(s.path() + "/map", Map.of("workspaceId", p.team().workspaceId), p.admin());
            assertEquals(200, m.status(), m.raw());
            chats.add(UUID.fromString(m.body().get("channel").get("chatId").asText()));
        }
        return s;
    }

    public static String digest(Pods.Pod p, Shared s) {
        Http.Res r = p.http().get(s.path() + "/digest", p.admin());
        assertEquals(200, r.status(), r.raw());
        return r.body().get("digest").asText();
    }

    /** {@return the chat's top-level messages in the merged order, as (origin pod, id, content, deleted) strings} */
    public static List<String> merged(Pods.Pod p, UUID chatId) {
        Http.Res r = p.http().get("/api/v1/chats/" + chatId + "/messages?order=merged&limit=200", p.admin());
        assertEquals(200, r.status(), r.raw());
        List<String> out = new ArrayList<>();
        for (JsonNode m : r.body().get("messages")) out.add(m.get("id").asText() + " " + m.path("content").asText());
        return out;
    }

    /** {@return the contents of the chat's top-level messages in the merged order} */
    public static List<String> contents(Pods.Pod p, UUID chatId) {
        Http.Res r = p.http().get("/api/v1/chats/" + chatId + "/messages?order=merged&limit=200", p.admin());
        if (r.status() != 200) return List.of("status " + r.status());
        List<String> out = new ArrayList<>();
        for (JsonNode m : r.body().get("messages")) out.add(m.path("content").asText());
        return out;
    }

    /**
     * {@return the contents of the chat's latest 200 top-level messages in the default order (the pod's own log), by
     * origin pod} Every pod must hold each origin's messages in the origin's order.
     */
    public static Map<String, List<String>> byOrigin(Pods.Pod p, UUID chatId) {
        Http.Res r = p.http().get("/api/v1/chats/" + chatId + "/messages?limit=200", p.admin());
        assertEquals(200, r.status(), r.raw());
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (JsonNode m : r.body().get("messages")) {
            out.computeIfAbsent(m.get("originPod").asText(), k -> new ArrayList<>()).add(m.path("content").asText());
        }
        return out;
    }

    public static JsonNode post(Pods.Pod p, UUID chatId, String content) {
        Http.Res r = p.http().post("/api/v1/chats/" + chatId + "/messages", Map.of("content", content), p.admin());
        assertEquals(201, r.status(), r.raw());
        return r.body().get("message");
    }
}
