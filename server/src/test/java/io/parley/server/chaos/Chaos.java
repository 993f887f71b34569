package io.parley.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared pieces of the chaos tests: REST bootstrap, history read-back and checks, a scratch PostgreSQL schema. */
final class Chaos {
    private Chaos() {}

    /** The test PostgreSQL; each test gets its own schema in it, dropped afterwards. */
    static final String PG_URL = System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    /** An owner's session, its workspace and two channels to write to. */
    record Site(String token, UUID workspaceId, List<UUID> chats) {}

    /** Runs first-run setup over REST and creates a second channel; {@return the site} */
    static Site bootstrap(String baseUrl) {
        Http http = new Http(baseUrl);
        Http.Res setup = http.post("/api/v1/setup", Map.of("email", "owner@example.com", "handle", "owner",
                "displayName", "Olive Owner", "password", "correct horse battery", "workspaceName", "Chaos"), null);
        assertEquals(201, setup.status(), setup.raw());
        String token = setup.body().path("accessToken").asText();
        UUID ws = UUID.fromString(setup.body().path("workspace").path("id").asText());
        Http.Res channels = http.get("/api/v1/workspaces/" + ws + "/channels", token);
        assertEquals(200, channels.status(), channels.raw());
        UUID general = null;
        for (JsonNode c : channels.body().path("chats")) {
            if ("general".equals(c.path("name").asText())) general = UUID.fromString(c.path("id").asText());
        }
        Http.Res created = http.post("/api/v1/workspaces/" + ws + "/channels", Map.of("name", "stress"), token);
        assertEquals(201, created.status(), created.raw());
        UUID stress = UUID.fromString(created.body().path("chat").path("id").asText());
        return new Site(token, ws, List.of(general, stress));
    }

    /** {@return every top-level message of a chat in seq order, read over REST page by page} */
    static List<JsonNode> history(String baseUrl, String token, UUID chatId) {
        Http http = new Http(baseUrl);
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            Http.Res page = http.get("/api/v1/chats/" + chatId + "/messages?after=" + after + "&limit=200", token);
            assertEquals(200, page.status(), page.raw());
            for (JsonNode m : page.body().path("messages")) all.add(m);
            if (!page.body().path("hasMore").asBoolean() || all.isEmpty()) return all;
            after = all.getLast().path("seq").asLong();
        }
    }

    /**
     * Asserts the store kept its promises: every acked message is there with the acked seq, each chat's seqs run
     * 1, 2, 3, ... with no gap, and no message or client id appears twice. {@return the number of messages stored}
     */
    static int assertEveryAckDurable(String baseUrl, String token, List<UUID> chats, List<Load.Acked> acked) {
        Map<UUID, JsonNode> stored = new HashMap<>();
        int total = 0;
        for (UUID chat : chats) {
            List<JsonNode> messages = history(baseUrl, token, chat);
            Set<String> clientIds = new HashSet<>();
            long expect = 1;
            for (JsonNode m : messages) {
                long seq = m.path("seq").asLong();
                if (seq != expect) fail("chat " + chat + ": seq " + seq + " where " + expect + " was expected (gap or duplicate)");
                expect++;
                UUID id = UUID.fromString(m.path("id").asText());
                if (stored.put(id, m) != null) fail("message " + id + " stored twice");
                String clientId = m.path("clientMsgId").asText();
                if (!clientId.isEmpty() && !clientIds.add(clientId)) fail("client id " + clientId + " stored twice in " + chat);
            }
            total += messages.size();
        }
        int missing = 0;
        StringBuilder firstMissing = new StringBuilder();
        for (Load.Acked a : acked) {
            JsonNode m = stored.get(a.messageId());
            if (m == null || m.path("seq").asLong() != a.seq() || !m.path("chatId").asText().equals(a.chatId().toString())
                    || !m.path("clientMsgId").asText().equals(a.clientId().toString())) {
                if (missing++ < 5) firstMissing.append("\n  ").append(a).append(" stored as ").append(m);
            }
        }
        assertEquals(0, missing, missing + " of " + acked.size() + " acked messages lost or changed:" + firstMissing);
        assertTrue(total >= acked.size());
        return total;
    }

    /**
     * A fresh schema in the test PostgreSQL. When it cannot be reached the test is skipped (with the reason
     * printed), except under CI=true, where PostgreSQL is part of the environment and the test must run.
     */
    static final class PgSchema implements AutoCloseable {
        final String name = "chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        PgSchema() {
            try (Connection c = DriverManager.getConnection(PG_URL); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + name);
            } catch (SQLException e) {
                String reason = "PostgreSQL at " + PG_URL + " is not reachable (" + e.getMessage() + ")";
                if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + "; CI=true requires it", e);
                System.out.println("SKIPPED: " + reason);
                Assumptions.abort(reason);
            }
        }

        /** {@return the JDBC URL of this schema, through {@code host:port} (e.g. a proxy)} */
        String url(String hostPort) {
            String u = PG_URL.replace("127.0.0.1:5432", hostPort);
            return u + (u.contains("?") ? "&" : "?") + "currentSchema=" + name;
        }

        String url() { return url("127.0.0.1:5432"); }

        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(PG_URL); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                System.out.println("could not drop schema " + name + ": " + e.getMessage());
            }
        }
    }

    /**
     * A test's scratch: a temp directory (its processes' data and logs) and what the test opened in it, closed in
     * reverse order — servers still running are killed — before the directory is deleted.
     */
    static final class Scratch implements AutoCloseable {
        final Path dir;
        private final List<AutoCloseable> opened = new ArrayList<>();

        Scratch() {
            try {
                dir = tempDir();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** {@return the resource, closed with the scratch} */
        <T extends AutoCloseable> T add(T resource) {
            opened.add(resource);
            return resource;
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : opened.reversed()) c.close();
            deleteTree(dir);
        }
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("parley-chaos-");
    }

    static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
