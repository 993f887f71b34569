package io.parley.server.search;

import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The search contract on a single node: SQLite and Lucene; plus the Lucene index's rebuild from the store. */
class SqliteSearchEndToEndTest extends SearchEndToEndContract {
    @Override
    Map<String, String> storeConfig() {
        return Map.of();
    }

    @Test
    void anIndexLostOnDiskIsRebuiltFromTheStore() throws Exception {
        try (TestServer s = TestServer.start()) {
            Team t = Team.bootstrap(s);
            String tag = unique("zr");
            UUID m = t.services.messages().send(t.owner.user().id(), t.general, UUID.randomUUID(), tag + " survives", null).join().message().id();
            java.nio.file.Path dir = s.dataDir().resolve("search");
            s.server().close();
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            try (TestServer again = TestServer.restart(s)) {
                Http h = new Http(again.baseUrl());
                String token = again.server().services().auth().login("owner@example.com", "correct horse battery", "127.0.0.1").accessToken();
                long deadline = System.nanoTime() + 15_000_000_000L;
                Http.Res r;
                do {
                    r = h.get("/api/v1/workspaces/" + t.workspaceId + "/search?q=" + tag, token);
                } while ((r.status() != 200 || ids(r).isEmpty()) && System.nanoTime() < deadline);
                assertEquals(List.of(m.toString()), ids(r), r.raw());
            }
        }
    }
}
