package io.parley.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import io.parley.server.Http.Res;
import io.parley.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API over real HTTP against a whole node (Netty, SQLite): setup, invites, sign-up, channels,
 * messages, threads, reactions, DMs and administration, each step as a client would do it.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestEndToEndTest {
    private static final String V = "/api/v1";
    private static final AtomicInteger names = new AtomicInteger();
    private static TestServer server;
    private static Http http;
    private static String owner;
    private static UUID ownerId;
    private static UUID wsId;
    private static UUID general;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(server.baseUrl());
        assertTrue(http.get(V + "/setup", null).body().get("open").asBoolean());
        Res setup = http.post(V + "/setup", Map.of("email", "owner@example.com", "handle", "owner",
                "displayName", "Olive Owner", "password", "correct horse battery", "workspaceName", "Acme"), null);
        assertEquals(201, setup.status(), setup.raw());
        owner = setup.body().get("accessToken").asText();
        ownerId = UUID.fromString(setup.body().get("user").get("id").asText());
        wsId = UUID.fromString(setup.body().get("workspace").get("id").asText());
        general = chats(owner, false).stream().filter(c -> "general".equals(c.get("name").asText())).findFirst()
                .map(c -> UUID.fromString(c.get("id").asText())).orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static String unique(String prefix) {
        return prefix + names.incrementAndGet();
    }

    private static Res ok(int status, Res r) {
        assertEquals(status, r.status(), r.raw());
        return r;
    }

    private static void error(int status, String code, Res r) {
        assertAll(
                () -> assertEquals(status, r.status(), r.raw()),
                () -> assertEquals(code, r.body().get("error").get("code").asText(), r.raw()),
                () -> assertFalse(r.body().get("error").get("message").asText().isBlank()));
    }

    private static List<JsonNode> chats(String token, boolean all) {
        List<JsonNode> out = new ArrayList<>();
        ok(200, http.get(V + "/workspaces/" + wsId + "/channels" + (all ? "?all=true" : ""), token)).body().get("chats").forEach(out::add);
        return out;
    }

    /** A person who joined by invite with a role; {@return their session body} */
    private static JsonNode join(String handle, String role) {
        Res invite = ok(201, http.post(V + "/workspaces/" + wsId + "/invites", Map.of("role", role, "maxUses", 1), owner));
        Res reg = ok(201, http.post(V + "/auth/register", Map.of("inviteCode", invite.body().get("invite").get("code").asText(),
                "email", handle + "@example.com", "handle", handle, "password", "password-" + handle), null));
        return reg.body();
    }

    private static String token(JsonNode session) {
        return session.get("accessToken").asText();
    }

    private static UUID id(JsonNode node) {
        return UUID.fromString(node.get("id").asText());
    }

    private static UUID channel(String token, String name, boolean isPrivate) {
        return id(ok(201, http.post(V + "/workspaces/" + wsId + "/channels", Map.of("name", name, "private", isPrivate), token))
                .body().get("chat"));
    }

    private static JsonNode post(String token, UUID chat, String content) {
        return ok(201, http.post(V + "/chats/" + chat + "/messages", Map.of("content", content), token)).body().get("message");
    }

    // ---- flows --------------------------------------------------------------------------------

    @Test
    @Order(1)
    void setupClosesOnceDone() {
        assertFalse(ok(200, http.get(V + "/setup", null)).body().get("open").asBoolean());
        error(409, "conflict", http.post(V + "/setup", Map.of("email", "x@example.com", "handle", "x", "password", "password123",
                "workspaceName", "Other"), null));
    }

    @Test
    void invitesSignUpLoginRefreshLogout() {
        Res created = ok(201, http.post(V + "/workspaces/" + wsId + "/invites", Map.of("maxUses", 2, "expiresInSeconds", 3600), owner));
        JsonNode invite = created.body().get("invite");
        String code = invite.get("code").asText();
        assertAll(
                () -> assertEquals("/join/" + code, invite.get("url").asText()),
                () -> assertEquals("member", invite.get("role").asText()),
                () -> assertFalse(invite.has("codeHash")));
        JsonNode listed = ok(200, http.get(V + "/workspaces/" + wsId + "/invites", owner)).body().get("invites");
        listed.forEach(i -> assertFalse(i.has("code") || i.has("codeHash") || i.has("url"), i.toString()));

        String handle = unique("dora");
        JsonNode reg = ok(201, http.post(V + "/auth/register", Map.of("inviteCode", code, "email", handle + "@example.com",
                "handle", handle, "displayName", "Dora", "password", "password-dora"), null)).body();
        assertAll(
                () -> assertEquals(wsId, id(reg.get("workspace"))),
                () -> assertEquals(handle + "@example.com", reg.get("user").get("email").asText()),
                () -> assertFalse(reg.get("user").has("passwordHash")),
                () -> assertTrue(reg.has("refreshToken") && reg.has("accessExpiresAt") && reg.has("refreshExpiresAt")));

        error(401, "unauthorized", http.post(V + "/auth/login", Map.of("email", handle + "@example.com", "password", "wrong-password"), null));
        JsonNode login = ok(200, http.post(V + "/auth/login", Map.of("email", handle + "@example.com", "password", "password-dora"), null)).body();
        assertFalse(login.has("workspace"));
        String refresh = login.get("refreshToken").asText();
        JsonNode refreshed = ok(200, http.post(V + "/auth/refresh", Map.of("refreshToken", refresh), null)).body();
        assertNotEquals(refresh, refreshed.get("refreshToken").asText());
        error(401, "unauthorized", http.post(V + "/auth/refresh", Map.of("refreshToken", refresh), null));

        String access = refreshed.get("accessToken").asText();
        ok(200, http.get(V + "/users/me", access));
        ok(204, http.post(V + "/auth/logout", null, access));
        error(401, "unauthorized", http.get(V + "/users/me", access));

        // Password change: the old password stops working, the new one signs in.
        String other = token(reg);
        error(403, "forbidden", http.post(V + "/auth/password", Map.of("oldPassword", "nope-nope", "newPassword", "new-password-1"), other));
        ok(204, http.post(V + "/auth/password", Map.of("oldPassword", "password-dora", "newPassword", "new-password-1"), other));
        error(401, "unauthorized", http.post(V + "/auth/login", Map.of("email", handle + "@example.com", "password", "password-dora"), null));
        ok(200, http.post(V + "/auth/login", Map.of("email", handle + "@example.com", "password", "new-password-1"), null));

        // An existing user joins another workspace by code.
        UUID ws2 = id(ok(201, http.post(V + "/workspaces", Map.of("name", "Second"), owner)).body().get("workspace"));
        Res inv2 = ok(201, http.post(V + "/workspaces/" + ws2 + "/invites", Map.of(), owner));
        String t = token(ok(200, http.post(V + "/auth/login", Map.of("email", handle + "@example.com", "password", "new-password-1"), null)).body());
        error(404, "not_found", http.get(V + "/workspaces/" + ws2, t));
        ok(200, http.post(V + "/workspaces/join", Map.of("code", inv2.body().get("invite").get("code").asText()), t));
        ok(200, http.get(V + "/workspaces/" + ws2, t));
        assertEquals(2, ok(200, http.get(V + "/workspaces", t)).body().get("workspaces").size());
        error(404, "not_found", http.post(V + "/workspaces/join", Map.of("code", "inv_nope"), t));
    }

    @Test
    void profiles() {
        JsonNode s = join(unique("paul"), "member");
        String t = token(s);
        UUID me = id(s.get("user"));
        JsonNode self = ok(200, http.get(V + "/users/me", t)).body().get("user");
        assertTrue(self.has("email"));
        JsonNode patched = ok(200, http.patch(V + "/users/me", Map.of("displayName", "Paul P."), t)).body().get("user");
        assertEquals("Paul P.", patched.get("displayName").asText());
        JsonNode seen = ok(200, http.get(V + "/users/" + me, owner)).body().get("user");
        assertAll(
                () -> assertEquals("Paul P.", seen.get("displayName").asText()),
                () -> assertFalse(seen.has("email"), "other people do not see the e-mail address"));
        error(404, "not_found", http.get(V + "/users/" + UUID.randomUUID(), t));
        error(400, "invalid_request", http.patch(V + "/users/me", Map.of("handle", "NOT A HANDLE!"), t));

        JsonNode members = ok(200, http.get(V + "/workspaces/" + wsId + "/members", t)).body().get("members");
        boolean ownerListed = false;
        for (JsonNode m : members) {
            if (UUID.fromString(m.get("userId").asText()).equals(ownerId)) {
                ownerListed = true;
                assertEquals("owner", m.get("role").asText());
                assertFalse(m.get("user").has("email"), "members do not see others' e-mail");
            }
        }
        assertTrue(ownerListed);
        ok(200, http.get(V + "/workspaces/" + wsId + "/members", owner)).body().get("members")
                .forEach(m -> assertTrue(m.get("user").has("email"), "the owner sees e-mail addresses"));
    }

    @Test
    void channelsLifecycle() {
        String bob = token(join(unique("bob"), "member"));
        String name = unique("random");
        UUID random = channel(owner, name, false);
        assertTrue(chats(bob, true).stream().anyMatch(c -> id(c).equals(random)), "all=true lists unjoined public channels");
        assertFalse(chats(bob, false).stream().anyMatch(c -> id(c).equals(random)));
        error(403, "forbidden", http.post(V + "/chats/" + random + "/messages", Map.of("content", "hi"), bob));
        assertEquals(random, id(ok(200, http.post(V + "/chats/" + random + "/join", null, bob)).body().get("chat")));
        assertEquals(2, ok(200, http.get(V + "/chats/" + random + "/members", bob)).body().get("users").size());

        JsonNode updated = ok(200, http.patch(V + "/chats/" + random, Map.of("topic", "cats", "purpose", "fun"), bob)).body().get("chat");
        assertEquals("cats", updated.get("topic").asText());
        error(403, "forbidden", http.patch(V + "/chats/" + random, Map.of("name", unique("renamed")), bob));
        String newName = unique("renamed");
        assertEquals(newName, ok(200, http.patch(V + "/chats/" + random, Map.of("name", newName), owner)).body().get("chat").get("name").asText());
        error(409, "conflict", http.post(V + "/workspaces/" + wsId + "/channels", Map.of("name", newName), owner));

        ok(204, http.post(V + "/chats/" + random + "/leave", null, bob));
        error(403, "forbidden", http.post(V + "/chats/" + general + "/leave", null, bob));

        UUID secret = channel(owner, unique("secret"), true);
        error(404, "not_found", http.get(V + "/chats/" + secret, bob));
        error(404, "not_found", http.post(V + "/chats/" + secret + "/join", null, bob));
        UUID bobId = id(ok(200, http.get(V + "/users/me", bob)).body().get("user"));
        ok(204, http.post(V + "/chats/" + secret + "/members", Map.of("userIds", List.of(bobId.toString())), owner));
        ok(200, http.get(V + "/chats/" + secret, bob));
        ok(204, http.delete(V + "/chats/" + secret + "/members/" + bobId, owner));
        error(404, "not_found", http.delete(V + "/chats/" + secret + "/members/" + bobId, owner));
        error(404, "not_found", http.get(V + "/chats/" + secret, bob));

        assertTrue(ok(200, http.post(V + "/chats/" + random + "/archive", null, owner)).body().get("chat").get("archived").asBoolean());
        error(409, "chat_archived", http.post(V + "/chats/" + random + "/messages", Map.of("content", "late"), owner));
        assertFalse(ok(200, http.post(V + "/chats/" + random + "/unarchive", null, owner)).body().get("chat").get("archived").asBoolean());
        error(403, "forbidden", http.post(V + "/chats/" + general + "/archive", null, owner));
    }

    /** A chat's {@code lastSeq} on GET and in the answer to a join is its log's, as the workspace's channel list gives it. */
    @Test
    void aChatsLastSeqIsItsLogsWhereverItIsRead() {
        String lea = token(join(unique("lea"), "member"));
        String max = token(join(unique("max"), "member"));
        UUID chat = channel(lea, unique("seqs"), false);
        assertEquals(0, ok(200, http.get(V + "/chats/" + chat, lea)).body().get("chat").get("lastSeq").asLong());
        long last = 0;
        for (int i = 0; i < 3; i++) last = post(lea, chat, "m" + i).get("seq").asLong();
        long seq = last;
        assertAll(
                () -> assertEquals(seq, listedLastSeq(lea, chat), "the channel list"),
                () -> assertEquals(seq, ok(200, http.get(V + "/chats/" + chat, lea)).body().get("chat").get("lastSeq").asLong(), "GET"));
        long joined = ok(200, http.post(V + "/chats/" + chat + "/join", null, max)).body().get("chat").get("lastSeq").asLong();
        assertTrue(joined >= last, "the join answers the log's last seq: " + joined);
        assertEquals(listedLastSeq(max, chat), joined);
        assertEquals(joined, ok(200, http.post(V + "/chats/" + chat + "/join", null, max)).body().get("chat").get("lastSeq").asLong(),
                "joining again (a member already) answers it too");
    }

    private static long listedLastSeq(String token, UUID chat) {
        return chats(token, false).stream().filter(c -> id(c).equals(chat)).findFirst().orElseThrow().get("lastSeq").asLong();
    }

    @Test
    void messagesEditDeleteReactThreadsAndReadMarks() throws Exception {
        String ann = token(join(unique("ann"), "member"));
        UUID chat = channel(ann, unique("talk"), false);
        String hostile = "<script>alert(1)</script> '; DROP TABLE messages; -- \u00e9\u4e2d\uD83D\uDE00";
        UUID clientMsgId = UUID.randomUUID();
        Res first = http.post(V + "/chats/" + chat + "/messages", Map.of("content", hostile, "clientMsgId", clientMsgId.toString()), ann);
        ok(201, first);
        JsonNode msg = first.body().get("message");
        UUID msgId = id(msg);
        assertEquals(hostile, msg.get("content").asText(), "content is stored and returned verbatim");
        Res retry = ok(200, http.post(V + "/chats/" + chat + "/messages", Map.of("content", hostile, "clientMsgId", clientMsgId.toString()), ann));
        assertEquals(msgId, id(retry.body().get("message")), "a retry answers the original message");

        // Idempotency-Key header as the client id.
        String key = UUID.randomUUID().toString();
        HttpResult h1 = HttpResult.send(server.baseUrl() + V + "/chats/" + chat + "/messages", "POST", "{\"content\":\"keyed\"}", ann, key);
        HttpResult h2 = HttpResult.send(server.baseUrl() + V + "/chats/" + chat + "/messages", "POST", "{\"content\":\"keyed\"}", ann, key);
        assertAll(() -> assertEquals(201, h1.status()), () -> assertEquals(200, h2.status()),
                () -> assertEquals(id(Http.JSON.readTree(h1.body()).get("message")), id(Http.JSON.readTree(h2.body()).get("message"))));

        JsonNode history = ok(200, http.get(V + "/chats/" + chat + "/messages", ann)).body();
        assertEquals(2, history.get("messages").size());
        assertFalse(history.get("hasMore").asBoolean());
        assertEquals(hostile, history.get("messages").get(0).get("content").asText());

        JsonNode edited = ok(200, http.patch(V + "/messages/" + msgId, Map.of("content", "edited <b>"), ann)).body().get("message");
        assertAll(() -> assertEquals("edited <b>", edited.get("content").asText()), () -> assertTrue(edited.has("editedAt")));

        JsonNode reacted = ok(200, http.post(V + "/messages/" + msgId + "/reactions", Map.of("emoji", ":+1:"), ann)).body().get("message");
        assertEquals(":+1:", reacted.get("reactions").get(0).get("emoji").asText());
        ok(200, http.post(V + "/messages/" + msgId + "/reactions", Map.of("emoji", "\uD83D\uDC4D"), ann));
        assertEquals(2, ok(200, http.get(V + "/messages/" + msgId, ann)).body().get("message").get("reactions").size());
        ok(200, http.delete(V + "/messages/" + msgId + "/reactions/%3A%2B1%3A", ann));
        JsonNode afterUnreact = ok(200, http.delete(V + "/messages/" + msgId + "/reactions/%F0%9F%91%8D", ann)).body().get("message");
        assertEquals(0, afterUnreact.get("reactions").size());
        error(400, "invalid_request", http.post(V + "/messages/" + msgId + "/reactions", Map.of("emoji", "two words"), ann));

        JsonNode reply = ok(201, http.post(V + "/chats/" + chat + "/messages", Map.of("content", "a reply", "replyTo", msgId.toString()), ann))
                .body().get("message");
        assertEquals(msgId, UUID.fromString(reply.get("threadRootId").asText()));
        JsonNode thread = ok(200, http.get(V + "/messages/" + id(reply) + "/thread", ann)).body();
        assertAll(
                () -> assertEquals(msgId, id(thread.get("root"))),
                () -> assertEquals(1, thread.get("replies").size()),
                () -> assertEquals(1, thread.get("root").get("replyCount").asInt()));
        assertEquals(2, ok(200, http.get(V + "/chats/" + chat + "/messages", ann)).body().get("messages").size(),
                "history leaves thread replies out");

        long lastReadSeq = ok(200, http.post(V + "/chats/" + chat + "/read", Map.of("messageId", msgId.toString()), ann)).body().get("lastReadSeq").asLong();
        assertEquals(msg.get("seq").asLong(), lastReadSeq);
        assertEquals(7, ok(200, http.post(V + "/chats/" + chat + "/read", Map.of("seq", 7), ann)).body().get("lastReadSeq").asLong());

        ok(204, http.delete(V + "/messages/" + msgId, ann));
        ok(204, http.delete(V + "/messages/" + msgId, ann));
        JsonNode tomb = ok(200, http.get(V + "/messages/" + msgId, ann)).body().get("message");
        assertAll(() -> assertTrue(tomb.get("deleted").asBoolean()), () -> assertNull(tomb.get("content")));
        error(404, "not_found", http.patch(V + "/messages/" + msgId, Map.of("content", "again"), ann));
        error(404, "not_found", http.get(V + "/messages/" + UUID.randomUUID(), ann));

        // Someone else may neither edit nor delete it; content over the limit is refused.
        String other = token(join(unique("oscar"), "member"));
        ok(200, http.post(V + "/chats/" + chat + "/join", null, other));
        UUID mine = id(post(ann, chat, "mine"));
        error(403, "forbidden", http.patch(V + "/messages/" + mine, Map.of("content", "hijack"), other));
        error(403, "forbidden", http.delete(V + "/messages/" + mine, other));
        ok(204, http.delete(V + "/messages/" + mine, owner));
        error(413, "content_too_long", http.post(V + "/chats/" + chat + "/messages", Map.of("content", "x".repeat(40_001)), ann));
    }

    @Test
    void historyPages() {
        String pam = token(join(unique("pam"), "member"));
        UUID chat = channel(pam, unique("pages"), false);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) seqs.add(post(pam, chat, "m" + i).get("seq").asLong());
        JsonNode latest = ok(200, http.get(V + "/chats/" + chat + "/messages?limit=2", pam)).body();
        assertAll(
                () -> assertTrue(latest.get("hasMore").asBoolean()),
                () -> assertEquals("m3", latest.get("messages").get(0).get("content").asText()),
                () -> assertEquals("m4", latest.get("messages").get(1).get("content").asText()));
        JsonNode older = ok(200, http.get(V + "/chats/" + chat + "/messages?limit=2&before=" + seqs.get(3), pam)).body();
        assertAll(
                () -> assertTrue(older.get("hasMore").asBoolean()),
                () -> assertEquals("m1", older.get("messages").get(0).get("content").asText()),
                () -> assertEquals("m2", older.get("messages").get(1).get("content").asText()));
        JsonNode oldest = ok(200, http.get(V + "/chats/" + chat + "/messages?limit=2&before=" + seqs.get(1), pam)).body();
        assertAll(() -> assertFalse(oldest.get("hasMore").asBoolean()), () -> assertEquals(1, oldest.get("messages").size()));
        JsonNode newer = ok(200, http.get(V + "/chats/" + chat + "/messages?limit=3&after=" + seqs.get(0), pam)).body();
        assertAll(
                () -> assertTrue(newer.get("hasMore").asBoolean()),
                () -> assertEquals("m1", newer.get("messages").get(0).get("content").asText()),
                () -> assertEquals("m3", newer.get("messages").get(2).get("content").asText()));
    }

    @Test
    void directMessages() {
        JsonNode s1 = join(unique("dm"), "member");
        JsonNode s2 = join(unique("dm"), "member");
        UUID u2 = id(s2.get("user"));
        JsonNode dm = ok(200, http.post(V + "/workspaces/" + wsId + "/dms", Map.of("userIds", List.of(u2.toString())), token(s1))).body().get("chat");
        assertEquals("dm", dm.get("kind").asText());
        JsonNode again = ok(200, http.post(V + "/workspaces/" + wsId + "/dms", Map.of("userIds", List.of(id(s1.get("user")).toString())), token(s2)))
                .body().get("chat");
        assertEquals(id(dm), id(again), "the same two people share one DM");
        JsonNode group = ok(200, http.post(V + "/workspaces/" + wsId + "/dms",
                Map.of("userIds", List.of(u2.toString(), ownerId.toString())), token(s1))).body().get("chat");
        assertEquals("group_dm", group.get("kind").asText());
        post(token(s1), id(dm), "psst");
        error(404, "not_found", http.get(V + "/chats/" + id(dm), owner));
        error(403, "forbidden", http.get(V + "/chats/" + id(dm) + "/messages", owner));
        error(404, "not_found", http.post(V + "/workspaces/" + wsId + "/dms", Map.of("userIds", List.of(UUID.randomUUID().toString())), token(s1)));
        error(400, "invalid_request", http.post(V + "/workspaces/" + wsId + "/dms", Map.of("userIds", List.of()), token(s1)));
    }

    @Test
    void guestsAreRestricted() {
        String guest = token(join(unique("guest"), "guest"));
        UUID open = channel(owner, unique("open"), false);
        assertFalse(chats(guest, true).stream().anyMatch(c -> id(c).equals(open)), "guests do not browse public channels");
        error(403, "forbidden", http.post(V + "/workspaces/" + wsId + "/channels", Map.of("name", unique("g")), guest));
        error(404, "not_found", http.post(V + "/chats/" + open + "/join", null, guest));
        error(403, "forbidden", http.post(V + "/workspaces/" + wsId + "/invites", Map.of(), guest));
        error(403, "forbidden", http.get(V + "/workspaces/" + wsId + "/invites", guest));
        error(403, "forbidden", http.put(V + "/workspaces/" + wsId + "/members/" + ownerId + "/role", Map.of("role", "guest"), guest));
        error(403, "forbidden", http.patch(V + "/workspaces/" + wsId + "/settings", Map.of("name", "Mine"), guest));
    }

    @Test
    void adminChangesRolesAndRemovesMembers() {
        JsonNode s = join(unique("ada"), "member");
        String ada = token(s);
        UUID adaId = id(s.get("user"));
        error(403, "forbidden", http.post(V + "/workspaces/" + wsId + "/invites", Map.of(), ada));
        ok(204, http.put(V + "/workspaces/" + wsId + "/members/" + adaId + "/role", Map.of("role", "admin"), owner));
        ok(201, http.post(V + "/workspaces/" + wsId + "/invites", Map.of("role", "guest"), ada));
        error(403, "forbidden", http.post(V + "/workspaces/" + wsId + "/invites", Map.of("role", "admin"), ada));
        error(403, "forbidden", http.patch(V + "/workspaces/" + wsId + "/settings", Map.of("name", "Ada's"), ada));
        error(403, "forbidden", http.delete(V + "/workspaces/" + wsId + "/members/" + ownerId, ada));
        error(400, "invalid_request", http.put(V + "/workspaces/" + wsId + "/members/" + adaId + "/role", Map.of("role", "king"), owner));

        JsonNode settings = ok(200, http.patch(V + "/workspaces/" + wsId + "/settings", Map.of("openSignup", false), owner)).body().get("workspace");
        assertEquals("Acme", settings.get("name").asText());

        String victim = token(join(unique("vic"), "member"));
        UUID victimId = id(ok(200, http.get(V + "/users/me", victim)).body().get("user"));
        UUID invite = id(ok(201, http.post(V + "/workspaces/" + wsId + "/invites", Map.of(), ada)).body().get("invite"));
        ok(204, http.delete(V + "/workspaces/" + wsId + "/invites/" + invite, ada));
        error(404, "not_found", http.delete(V + "/workspaces/" + wsId + "/invites/" + UUID.randomUUID(), ada));
        ok(204, http.delete(V + "/workspaces/" + wsId + "/members/" + victimId, ada));
        error(401, "unauthorized", http.get(V + "/users/me", victim));
        error(404, "not_found", http.delete(V + "/workspaces/" + wsId + "/members/" + victimId, ada));
    }

    // ---- bad input over the wire --------------------------------------------------------------

    @Test
    void badInputIsRefusedWithTheRightCode() throws Exception {
        String chats = V + "/chats/" + general + "/messages";
        assertAll(
                () -> error(400, "malformed", http.raw("POST", chats, "{\"content\":", owner)),
                () -> error(400, "invalid_request", http.raw("POST", chats, "{\"content\":\"x\",\"evil\":1}", owner)),
                () -> error(400, "invalid_request", http.raw("POST", chats, "{\"content\":7}", owner)),
                () -> error(400, "invalid_request", http.raw("POST", chats, "{}", owner)),
                () -> error(400, "invalid_request", http.raw("POST", chats, "{\"content\":\"x\",\"replyTo\":\"nope\"}", owner)),
                () -> error(400, "invalid_request", http.get(V + "/chats/not-a-uuid", owner)),
                () -> error(400, "invalid_request", http.get(chats + "?limit=1000", owner)),
                () -> error(401, "unauthorized", http.get(chats, null)),
                () -> error(401, "unauthorized", http.get(chats, "pat_forged")),
                () -> error(401, "unauthorized", http.raw("POST", chats, "{\"content\":", null)),
                () -> error(404, "not_found", http.get(V + "/nothing", owner)),
                () -> assertEquals(405, http.delete(V + "/setup", owner).status()),
                () -> assertTrue(http.delete(V + "/setup", owner).header("Allow").contains("GET")));
        HttpResult plain = HttpResult.send(server.baseUrl() + chats, "POST", "{\"content\":\"x\"}", owner, null, "text/plain");
        assertEquals(400, plain.status());
        HttpResult badUtf8 = HttpResult.sendBytes(server.baseUrl() + V + "/auth/login",
                new byte[]{'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertAll(() -> assertEquals(400, badUtf8.status()), () -> assertTrue(badUtf8.body().contains("malformed")));
    }

    @Test
    void anotherWorkspacesChatsStayHidden() {
        String eve = token(join(unique("eve"), "member"));
        UUID ws2 = id(ok(201, http.post(V + "/workspaces", Map.of("name", unique("Private Co")), owner)).body().get("workspace"));
        UUID theirs = id(ok(201, http.post(V + "/workspaces/" + ws2 + "/channels", Map.of("name", "plans"), owner)).body().get("chat"));
        UUID msg = id(post(owner, theirs, "secret plans"));
        assertAll(
                () -> error(404, "not_found", http.get(V + "/workspaces/" + ws2, eve)),
                () -> error(404, "not_found", http.get(V + "/workspaces/" + ws2 + "/channels", eve)),
                () -> error(404, "not_found", http.get(V + "/workspaces/" + ws2 + "/members", eve)),
                () -> error(404, "not_found", http.get(V + "/chats/" + theirs, eve)),
                () -> error(404, "not_found", http.post(V + "/chats/" + theirs + "/join", null, eve)),
                () -> error(403, "forbidden", http.get(V + "/chats/" + theirs + "/messages", eve)),
                () -> error(403, "forbidden", http.post(V + "/chats/" + theirs + "/messages", Map.of("content", "hi"), eve)),
                () -> error(403, "forbidden", http.get(V + "/messages/" + msg, eve)),
                () -> error(403, "forbidden", http.delete(V + "/messages/" + msg, eve)),
                () -> error(404, "not_found", http.post(V + "/workspaces/" + ws2 + "/dms", Map.of("userIds", List.of(ownerId.toString())), eve)));
        // people you share no workspace with are not visible either
        String code = ok(201, http.post(V + "/workspaces/" + ws2 + "/invites", Map.of(), owner)).body().get("invite").get("code").asText();
        String handle = unique("stranger");
        String stranger = ok(201, http.post(V + "/auth/register", Map.of("inviteCode", code, "email", handle + "@example.com",
                "handle", handle, "password", "password-" + handle), null)).body().get("accessToken").asText();
        UUID strangerId = id(ok(200, http.get(V + "/users/me", stranger)).body().get("user"));
        error(404, "not_found", http.get(V + "/users/" + strangerId, eve));
        ok(200, http.get(V + "/users/" + strangerId, owner));
    }

    @Test
    void openApiIsServed() {
        Res r = ok(200, http.get(V + "/openapi.json", null));
        assertEquals("3.0.3", r.body().get("openapi").asText());
    }

    @Test
    void expiredAccessTokensAreRefused() throws Exception {
        try (TestServer quick = TestServer.start(Map.of("auth.access_ttl", "1s"))) {
            Http h = new Http(quick.baseUrl());
            String t = ok(201, h.post(V + "/setup", Map.of("email", "o@example.com", "handle", "o1", "password", "password123",
                    "workspaceName", "Quick"), null)).body().get("accessToken").asText();
            ok(200, h.get(V + "/users/me", t));
            long deadline = System.nanoTime() + 10_000_000_000L;
            Res r;
            do {
                Thread.onSpinWait();
                r = h.get(V + "/users/me", t);
            } while (r.status() == 200 && System.nanoTime() < deadline);
            error(401, "unauthorized", r);
        }
    }

    /** A raw HTTP exchange for what {@link Http} does not do: custom headers and raw bytes. */
    record HttpResult(int status, String body) {
        private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();

        static HttpResult send(String url, String method, String body, String token, String idempotencyKey) throws Exception {
            return send(url, method, body, token, idempotencyKey, "application/json; charset=utf-8");
        }

        static HttpResult send(String url, String method, String body, String token, String idempotencyKey, String type) throws Exception {
            var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", type)
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
            var r = CLIENT.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new HttpResult(r.statusCode(), r.body());
        }

        static HttpResult sendBytes(String url, byte[] body) throws Exception {
            var r = CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new HttpResult(r.statusCode(), r.body());
        }
    }
}
