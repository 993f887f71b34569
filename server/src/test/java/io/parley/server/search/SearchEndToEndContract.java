package io.parley.server.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Principal;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Search over real HTTP and WebSocket: the query language, access control at query time, edits,
 * deletes, paging. The same contract runs on each engine (Lucene with SQLite, PostgreSQL full-text).
 */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SearchEndToEndContract {
    static TestServer server;
    static Team team;
    static Http http;
    static final AtomicInteger names = new AtomicInteger();

    /** {@return the server configuration of the engine under test} */
    abstract Map<String, String> storeConfig();

    /** Releases what {@link #storeConfig()} made. */
    void release() {}

    @BeforeAll
    void start() {
        server = TestServer.start(storeConfig());
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        release();
    }

    static String unique(String p) {
        return p + names.incrementAndGet();
    }

    private static Principal who(Tokens t) {
        return team.services.auth().authenticate(t.accessToken());
    }

    private static UUID post(Tokens t, UUID chat, String content) {
        return team.services.messages().send(t.user().id(), chat, UUID.randomUUID(), content, null).join().message().id();
    }

    private static Http.Res search(Tokens t, String q, String extra) {
        return http.get("/api/v1/workspaces/" + team.workspaceId + "/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + (extra == null ? "" : "&" + extra), t.accessToken());
    }

    static List<String> ids(Http.Res r) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : r.body().path("results")) if ("message".equals(n.path("type").asText())) out.add(n.path("message").path("id").asText());
        return out;
    }

    /** Polls until the results satisfy the condition (indexing is near real time), with a deadline. */
    private static Http.Res await(Tokens t, String q, String extra, Predicate<List<String>> ok) {
        try {
            return io.parley.server.Await.value(java.time.Duration.ofSeconds(10), "search '" + q + "'", () -> search(t, q, extra),
                    r -> r.status() == 200 && ok.test(ids(r)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void theQueryLanguageWorksEndToEnd() {
        Tokens ana = team.add(unique("ana"));
        Tokens ben = team.add(unique("ben"));
        Chat ops = team.channel(ana, unique("ops"), false);
        team.services.chats().addMembers(who(ana), ops.id(), List.of(ben.user().id()));
        String tag = unique("zq");
        UUID deploy = post(ana, ops.id(), tag + " we are deploying the release notes tonight <b>bold</b>");
        UUID link = post(ben, ops.id(), tag + " see https://example.com/runbook for the deploy steps");
        UUID mention = post(ben, ops.id(), tag + " @" + ana.user().handle() + " please review the draft plan");
        UUID reply = team.services.messages().send(ana.user().id(), ops.id(), UUID.randomUUID(), tag + " reply in thread", mention).join().message().id();

        Http.Res stemmed = await(ana, tag + " deploy", null, ids -> ids.contains(deploy.toString()) && ids.contains(link.toString()));
        JsonNode first = stemmed.body().path("results").get(0);
        String fragment = first.path("highlight").path("content").get(0).asText();
        assertTrue(fragment.contains("<mark>"), fragment);
        assertFalse(fragment.contains("<b>"), "content is escaped, only <mark> is markup: " + fragment);

        assertAll(
                () -> assertEquals(List.of(deploy.toString()), ids(search(ana, tag + " \"release notes\"", null))),
                () -> assertEquals(List.of(link.toString()), ids(search(ana, tag + " deploy -release", null))),
                () -> assertEquals(List.of(link.toString()), ids(search(ana, tag + " has:link", null))),
                () -> assertTrue(ids(search(ana, tag + " from:@" + ben.user().handle(), null)).containsAll(List.of(link.toString(), mention.toString()))),
                () -> assertFalse(ids(search(ana, tag + " from:@" + ben.user().handle(), null)).contains(deploy.toString())),
                () -> assertEquals(List.of(mention.toString()), ids(search(ana, tag + " mentions:@" + ana.user().handle(), null))),
                () -> assertTrue(ids(search(ana, tag + " is:thread", null)).containsAll(List.of(mention.toString(), reply.toString()))),
                () -> assertEquals(4, ids(search(ana, tag + " in:#" + ops.name() + " on:today", "tz=Europe/Berlin")).size()),
                () -> assertEquals(0, ids(search(ana, tag + " before:2001-01-01", null)).size()),
                () -> assertEquals(List.of(reply.toString(), mention.toString(), link.toString(), deploy.toString()),
                        ids(search(ana, tag, "sort=recency"))));
    }

    @Test
    void resultsComeOnlyFromChatsTheCallerMayReadNow() {
        Tokens ana = team.add(unique("ana"));
        Tokens eve = team.add(unique("eve"));
        Chat secret = team.channel(ana, unique("secret"), true);
        team.services.chats().addMembers(who(ana), secret.id(), List.of(eve.user().id()));
        String tag = unique("zs");
        UUID m = post(ana, secret.id(), tag + " the launch codes");
        await(eve, tag + " launch", null, ids -> ids.contains(m.toString()));
        team.services.chats().removeMember(who(ana), secret.id(), eve.user().id());
        assertEquals(List.of(), ids(search(eve, tag + " launch", null)), "removed from the private channel: nothing found");
        Tokens outsider = team.add(unique("out"));
        assertEquals(List.of(), ids(search(outsider, tag + " launch", null)));
        assertEquals(403, search(outsider, tag, "chatId=" + secret.id()).status());
    }

    @Test
    void editsShowAndDeletedMessagesNeverComeBack() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("edits"), false);
        String tag = unique("ze");
        UUID m = post(ana, ch.id(), tag + " original wording");
        await(ana, tag + " original", null, ids -> ids.contains(m.toString()));
        team.services.messages().edit(ana.user().id(), m, UUID.randomUUID(), tag + " improved wording").join();
        await(ana, tag + " improved", null, ids -> ids.contains(m.toString()));
        await(ana, tag + " original", null, List::isEmpty);
        team.services.messages().delete(ana.user().id(), m, UUID.randomUUID()).join();
        // even before the index catches up, the store says it is gone
        assertEquals(List.of(), ids(search(ana, tag + " improved", null)));
    }

    @Test
    void pagingWithACursor() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("pages"), false);
        String tag = unique("zp");
        for (int i = 0; i < 7; i++) post(ana, ch.id(), tag + " item " + i);
        await(ana, tag, null, ids -> ids.size() == 5 || ids.size() == 7);
        Http.Res p1 = await(ana, tag, "limit=5&sort=recency", ids -> ids.size() == 5);
        assertEquals(7, p1.body().path("total").asInt());
        String cursor = p1.body().path("cursor").asText();
        Http.Res p2 = search(ana, tag, "limit=5&sort=recency&cursor=" + cursor);
        assertEquals(2, ids(p2).size());
        assertTrue(p2.body().path("cursor").isMissingNode());
        List<String> all = new ArrayList<>(ids(p1));
        all.addAll(ids(p2));
        assertEquals(7, all.stream().distinct().count());
    }

    @Test
    void malformedQueriesAreClearErrors() {
        for (String bad : List.of("\"unclosed", "from:", "has:unicorns", "during:someday", "-only",
                "after:+999999999-12-31")) { // the day after the last java.time knows: a 500 before (QueryParserFuzzTest)
            Http.Res r = search(team.owner, bad, null);
            assertEquals(400, r.status(), bad);
            assertEquals("invalid_request", r.body().path("error").path("code").asText(), bad);
        }
        assertEquals(400, search(team.owner, "x", "sort=sideways").status());
        assertEquals(400, search(team.owner, "x", "tz=Mars/Olympus").status());
        assertEquals(400, search(team.owner, "x", "cursor=garbage").status());
        assertEquals(400, http.get("/api/v1/workspaces/" + team.workspaceId + "/search", team.owner.accessToken()).status());
    }

    @Test
    void peopleAndChannelsAutocomplete() {
        String h = unique("zelda");
        Tokens z = team.add(h);
        Chat ch = team.channel(z, unique("zeldas-room"), false);
        Http.Res people = search(team.owner, "@" + h.substring(0, 4), "scope=people");
        assertTrue(people.body().path("results").findValues("handle").stream().anyMatch(n -> n.asText().equals(h)), people.raw());
        Http.Res channels = search(team.owner, ch.name().substring(0, 8), "scope=channels");
        assertTrue(channels.body().path("results").findValues("name").stream().anyMatch(n -> n.asText().equals(ch.name())), channels.raw());
        assertEquals(400, search(team.owner, "z", "scope=people").status(), "at least two characters");
    }

    @Test
    void searchOverTheWebSocket() {
        Tokens ana = team.add(unique("ana"));
        Chat ch = team.channel(ana, unique("wss"), false);
        String tag = unique("zw");
        UUID m = post(ana, ch.id(), tag + " websocket search works");
        await(ana, tag, null, ids -> ids.contains(m.toString()));
        try (WsClient c = WsClient.connect(server.wsUrl(), ana.accessToken())) {
            c.awaitType("hello");
            UUID id = c.send("search.query", payload().put("workspaceId", team.workspaceId.toString()).put("query", tag + " search"));
            JsonNode r = c.await(f -> "search.results".equals(f.path("type").asText()));
            assertEquals(id.toString(), r.path("payload").path("refId").asText());
            assertEquals(m.toString(), r.path("payload").path("results").get(0).path("message").path("id").asText());
            UUID bad = c.send("search.query", payload().put("workspaceId", team.workspaceId.toString()).put("query", "has:nope"));
            assertEquals("invalid_request", c.awaitReply(bad).path("payload").path("code").asText());
        }
    }
}
