package io.parley.server.chaos;

import io.parley.server.Await;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import io.parley.server.search.LuceneIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search index survives {@code kill -9} without a rebuild: a node is killed right after posting, editing and
 * deleting what its index has not yet committed; restarted on the same data it resumes from the index's last
 * checkpoint, re-applies only the events after it, and then finds every message exactly once, the edit's new
 * text and not the old, and not the deleted message.
 */
class SearchCrashRecoveryTest {
    private static final Duration START = Duration.ofSeconds(30);

    private final Chaos.Scratch scratch = new Chaos.Scratch();

    @AfterEach
    void tearDown() throws Exception {
        scratch.close(); // kills any server still running
    }

    @Test
    @Timeout(120)
    void aKilledNodeResumesItsIndexFromTheCheckpoint() throws Exception {
        Path data = scratch.dir.resolve("data");
        Map<String, String> env = Map.of("PARLEY_LOG_LEVEL", "INFO");
        ServerProcess first = ServerProcess.start(data, List.of(), env, START);
        scratch.add(first);
        Chaos.Site site = Chaos.bootstrap(first.baseUrl());
        Http http = new Http(first.baseUrl());
        UUID chat = site.chats().getFirst();
        String tag = "zq" + Long.toString(System.nanoTime(), 36);

        List<String> committed = new ArrayList<>();
        long committedSeq = 0;
        for (int i = 0; i < 20; i++) {
            JsonNode m = post(http, site, chat, tag + " committed " + i);
            committed.add(m.path("id").asText());
            committedSeq = m.path("seq").asLong();
        }
        long firstSeqs = committedSeq;
        Path index = data.resolve("search");
        // The index commits every 5 s; right after a commit that holds all of the above there are seconds to spare.
        Await.until(Duration.ofSeconds(30), "a commit whose checkpoint holds the first posts", () -> checkpointOf(index, chat) >= firstSeqs);

        List<String> uncommitted = new ArrayList<>();
        long lastPostSeq = 0;
        for (int i = 0; i < 8; i++) {
            JsonNode m = post(http, site, chat, tag + " uncommitted " + i);
            uncommitted.add(m.path("id").asText());
            lastPostSeq = m.path("seq").asLong();
        }
        String edited = committed.get(3);
        assertEquals(200, http.patch("/api/v1/messages/" + edited, Map.of("content", tag + " rewritten"), site.token()).status());
        String deleted = committed.get(5);
        assertEquals(204, http.delete("/api/v1/messages/" + deleted, site.token()).status());
        first.kill();
        long atKill = checkpointOf(index, chat);
        assertTrue(atKill < lastPostSeq, "the kill came before a commit held the last posts (checkpoint " + atKill + ", last post " + lastPostSeq + ")");

        ServerProcess second = first.restart(START);
        scratch.add(second);
        Http again = new Http(second.baseUrl());
        List<String> expected = new ArrayList<>(committed);
        expected.addAll(uncommitted);
        expected.remove(deleted);
        Await.until(Duration.ofSeconds(30), "every live message found once after the restart",
                () -> sorted(found(again, site, tag, 100)).equals(sorted(expected)));
        assertEquals(List.of(edited), found(again, site, "rewritten", 10), "the edit's new text is found");
        List<String> old = found(again, site, "\"" + tag + " committed 3\"", 10);
        assertFalse(old.contains(edited), "the edit's old text is gone: " + old);
        assertFalse(found(again, site, "\"" + tag + " committed 5\"", 10).contains(deleted), "the deleted message is gone");

        String log = second.output();
        assertTrue(log.contains("search index resumed from its checkpoint"), "resumed, not rebuilt:\n" + log);
        assertFalse(log.contains("rebuilding it from the store"), "no rebuild:\n" + log);
    }

    /** {@return the posted message} */
    private static JsonNode post(Http http, Chaos.Site site, UUID chat, String content) {
        Http.Res r = http.post("/api/v1/chats/" + chat + "/messages", Map.of("content", content), site.token());
        assertEquals(201, r.status(), r.raw());
        return r.body().path("message");
    }

    /** {@return the seq the index's latest commit holds the chat up to (0: none yet, or the commit was being replaced)} */
    private static long checkpointOf(Path index, UUID chat) {
        try {
            return LuceneIndex.committedCheckpoint(index).map(c -> c.getOrDefault(chat, 0L)).orElse(0L);
        } catch (IOException e) {
            return 0L;
        }
    }

    /** {@return the ids of the messages a search finds (empty while the index is not ready)} */
    private static List<String> found(Http http, Chaos.Site site, String query, int limit) {
        Http.Res r = http.get("/api/v1/workspaces/" + site.workspaceId() + "/search?limit=" + limit + "&q="
                + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8), site.token());
        if (r.status() != 200) return List.of();
        List<String> out = new ArrayList<>();
        for (JsonNode n : r.body().path("results")) if ("message".equals(n.path("type").asText())) out.add(n.path("message").path("id").asText());
        return out;
    }

    private static List<String> sorted(List<String> ids) {
        return ids.stream().sorted().toList();
    }
}
