package io.parley.server.files;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.core.fixtures.ManualClock;
import io.parley.server.TestServer;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files end to end over real HTTP and WebSocket: streamed raw and multipart uploads, types sniffed from the
 * bytes, sanitised names, limits and quota, thumbnails, access that follows the message (and its chat's
 * membership at the time of the request), files going with their message, search by file name.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilesEndToEndTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long MAX = 8L << 20;

    private TestServer server;
    private Team team;
    private Http http;
    private Tokens ana;
    private Tokens bob;
    private Tokens eve;

    @BeforeAll
    void start() {
        server = TestServer.start(Map.of("files.max_size", "8MiB", "files.workspace_quota", "64MiB",
                "limits.uploads_per_minute", "1000"));
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
        ana = team.add("ana");
        bob = team.add("bob");
        eve = team.add("eve");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    // ---- uploading ------------------------------------------------------------------------------

    @Test
    void rawUploadIsSniffedNotTrustedAndGetsAThumbnail() throws Exception {
        byte[] png = png(1200, 600);
        Up r = uploadRaw(ana, "../../etc/holiday\u202Egnp.exe", "text/plain", png, true);
        assertEquals(201, r.status, r.body.toString());
        JsonNode f = r.body.get("file");
        assertAll(
                () -> assertEquals("image/png", f.get("contentType").asText(), "the type comes from the bytes"),
                () -> assertEquals("holidaygnp.exe", f.get("name").asText(), "no directories, no bidi override"),
                () -> assertEquals(png.length, f.get("size").asLong()),
                () -> assertEquals(1200, f.get("image").get("width").asInt()),
                () -> assertEquals(360, f.get("thumbnail").get("width").asInt()),
                () -> assertEquals(180, f.get("thumbnail").get("height").asInt()),
                () -> assertEquals(ana.user().id().toString(), f.get("uploaderId").asText()),
                () -> assertFalse(f.has("messageId"), "not attached yet"));
        HttpResponse<byte[]> thumb = download(ana, "/api/v1/files/" + f.get("id").asText() + "/thumbnail", null);
        assertEquals(200, thumb.statusCode());
        BufferedImage t = ImageIO.read(new java.io.ByteArrayInputStream(thumb.body()));
        assertEquals(360, t.getWidth());
        assertEquals(180, t.getHeight());
    }

    @Test
    void multipartUploadTakesTheFilePartAndItsName() throws Exception {
        byte[] pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        String boundary = "----parley" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nignored field\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Q3 report.pdf\";"
                + " filename*=UTF-8''Q3%20r%C3%A9port.pdf\r\nContent-Type: image/gif\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(pdf);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/workspaces/" + team.workspaceId + "/files"))
                .header("Authorization", "Bearer " + ana.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        JsonNode f = Http.JSON.readTree(r.body()).get("file");
        assertAll(
                () -> assertEquals("Q3 réport.pdf", f.get("name").asText()),
                () -> assertEquals("application/pdf", f.get("contentType").asText()),
                () -> assertEquals(pdf.length, f.get("size").asLong()),
                () -> assertFalse(f.has("thumbnail")));
        HttpResponse<byte[]> got = download(ana, "/api/v1/files/" + f.get("id").asText() + "/content", null);
        assertArrayEquals(pdf, got.body());
        assertEquals("attachment; filename=\"Q3 r_port.pdf\"; filename*=UTF-8''Q3%20r%C3%A9port.pdf",
                got.headers().firstValue("Content-Disposition").orElse(""));
    }

    @Test
    void aLargeUploadStreamsWithoutALengthAndComesBackIntact() throws Exception {
        byte[] big = new byte[7 << 20]; // well over the 1 MiB the JSON routes buffer
        new Random(7).nextBytes(big);
        Up r = uploadRaw(ana, "blob.bin", "application/octet-stream", big, false);
        assertEquals(201, r.status, r.body.toString());
        JsonNode f = r.body.get("file");
        assertEquals(big.length, f.get("size").asLong());
        HttpResponse<byte[]> got = download(ana, "/api/v1/files/" + f.get("id").asText() + "/content", null);
        assertEquals(sha(big), sha(got.body()));
        assertEquals("\"" + sha(big) + "\"", got.headers().firstValue("ETag").orElse(""));
        HttpResponse<byte[]> again = download(ana, "/api/v1/files/" + f.get("id").asText() + "/content", "\"" + sha(big) + "\"");
        assertEquals(304, again.statusCode(), "If-None-Match with the ETag");
    }

    /**
     * A client that has every byte of a download sends its next request on the same connection at once: that
     * request is answered too. (The end of a streamed response used to be a write of its own after the last bytes,
     * and the next response could reach the encoder before it and be lost: the client then waited for ever.)
     */
    @Test
    void theNextRequestOnAConnectionIsAnsweredRightAfterADownload() throws Exception {
        byte[] bytes = new byte[100_000];
        new Random(11).nextBytes(bytes);
        Up r = uploadRaw(ana, "next.bin", "application/octet-stream", bytes, true);
        assertEquals(201, r.status, r.body.toString());
        String id = r.body.get("file").get("id").asText();
        HttpClient one = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // one connection, kept alive
        for (int i = 0; i < 200; i++) {
            HttpResponse<byte[]> got = one.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files/" + id + "/content"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ana.accessToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, got.statusCode());
            assertEquals(bytes.length, got.body().length);
            HttpResponse<String> meta = one.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files/" + id))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ana.accessToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, meta.statusCode(), "round " + i);
        }
    }

    @Test
    void tooLargeIsRefusedWithAndWithoutALengthAndKeepsNothing() throws Exception {
        byte[] over = new byte[(int) MAX + 1];
        Up declared = uploadRaw(bob, "big.bin", null, over, true);
        Up streamed = uploadRaw(bob, "big.bin", null, over, false);
        Up empty = uploadRaw(bob, "empty.txt", null, new byte[0], true);
        assertAll(
                () -> assertEquals(413, declared.status),
                () -> assertEquals("file_too_large", declared.body.get("error").get("code").asText()),
                () -> assertEquals(413, streamed.status),
                () -> assertEquals("file_too_large", streamed.body.get("error").get("code").asText()),
                () -> assertEquals(400, empty.status));
        assertEquals(0, server.server().services().files().settings().maxBytes() - MAX);
        assertEquals(200, http.get("/api/v1/users/me", bob.accessToken()).status(), "the server carries on");
        try (Stream<Path> parts = Files.list(server.dataDir().resolve("files").resolve("tmp"))) {
            assertEquals(0, parts.count(), "no partial upload is left behind");
        }
    }

    @Test
    void uploadsNeedAMembershipAndValidIds() throws Exception {
        Up stranger = uploadRaw(ana, "x.txt", null, "x".getBytes(StandardCharsets.UTF_8), true,
                "/api/v1/workspaces/" + UUID.randomUUID() + "/files?name=x.txt");
        Up anonymous = uploadRaw(null, "x.txt", null, "x".getBytes(StandardCharsets.UTF_8), true);
        Up badId = uploadRaw(ana, "x.txt", null, "x".getBytes(StandardCharsets.UTF_8), true, "/api/v1/workspaces/nope/files");
        assertAll(
                () -> assertEquals(404, stranger.status),
                () -> assertEquals(401, anonymous.status),
                () -> assertEquals(400, badId.status));
    }

    // ---- attaching and access -----------------------------------------------------------------

    @Test
    void anAttachedFileFollowsItsMessagesChat() throws Exception {
        Chat secret = team.channel(ana, "files-secret-" + UUID.randomUUID().toString().substring(0, 6), true);
        team.services.chats().addMembers(team.services.auth().authenticate(ana.accessToken()), secret.id(), List.of(bob.user().id()));
        String fileId = uploadRaw(ana, "plan.txt", null, "the plan".getBytes(StandardCharsets.UTF_8), true).body.get("file").get("id").asText();

        assertEquals(404, http.get("/api/v1/files/" + fileId, bob.accessToken()).status(), "unattached: the uploader's alone");
        try (WsClient ws = WsClient.connect(server.wsUrl(), ana.accessToken()); WsClient bobWs = WsClient.connect(server.wsUrl(), bob.accessToken())) {
            bobWs.awaitType("hello");
            ws.awaitType("hello");
            var p = payload().put("chatId", secret.id().toString());
            p.putArray("attachments").add(fileId);
            UUID sent = ws.send("message.send", p);
            JsonNode ack = ws.awaitReply(sent);
            assertEquals("ok", ack.get("payload").get("status").asText(), ack.toString());
            JsonNode live = bobWs.await(f -> "message.new".equals(f.path("type").asText())
                    && f.path("payload").path("message").path("attachments").isArray());
            JsonNode att = live.get("payload").get("message").get("attachments").get(0);
            assertAll(
                    () -> assertEquals(fileId, att.get("id").asText()),
                    () -> assertEquals("plan.txt", att.get("name").asText()),
                    () -> assertEquals("text/plain", att.get("contentType").asText()),
                    () -> assertFalse(live.get("payload").get("message").has("content") && !live.get("payload").get("message").get("content").asText().isEmpty()));

            // a second message cannot claim the same file; nobody can attach someone else's
            var again = payload().put("chatId", secret.id().toString()).put("content", "again");
            again.putArray("attachments").add(fileId);
            JsonNode twice = ws.awaitReply(ws.send("message.send", again));
            JsonNode notMine = bobWs.awaitReply(bobWs.send("message.send", again));
            assertEquals("conflict", twice.get("payload").get("code").asText(), twice.toString());
            assertEquals("not_found", notMine.get("payload").get("code").asText(), notMine.toString());
        }
        assertEquals(200, download(bob, "/api/v1/files/" + fileId + "/content", null).statusCode());
        JsonNode meta = http.get("/api/v1/files/" + fileId, bob.accessToken()).body().get("file");
        assertEquals(secret.id().toString(), meta.get("chatId").asText());
        assertEquals(404, download(eve, "/api/v1/files/" + fileId + "/content", null).statusCode(), "not a member");

        team.services.chats().removeMember(team.services.auth().authenticate(ana.accessToken()), secret.id(), bob.user().id());
        assertEquals(404, download(bob, "/api/v1/files/" + fileId + "/content", null).statusCode(), "removed: access ends at once");
    }

    @Test
    void aFileGoesWithItsMessage() throws Exception {
        String fileId = uploadRaw(ana, "gone.txt", null, "soon gone".getBytes(StandardCharsets.UTF_8), true).body.get("file").get("id").asText();
        Http.Res posted = http.post("/api/v1/chats/" + team.general + "/messages",
                Map.of("content", "see attached", "attachments", List.of(fileId)), ana.accessToken());
        assertEquals(201, posted.status(), posted.raw());
        assertEquals(fileId, posted.body().get("message").get("attachments").get(0).get("id").asText());
        String messageId = posted.body().get("message").get("id").asText();
        assertEquals(200, download(bob, "/api/v1/files/" + fileId + "/content", null).statusCode());

        assertEquals(204, http.delete("/api/v1/messages/" + messageId, ana.accessToken()).status());
        assertEquals(404, download(bob, "/api/v1/files/" + fileId + "/content", null).statusCode());
        assertEquals(404, download(ana, "/api/v1/files/" + fileId + "/content", null).statusCode(), "gone for the uploader too");
        assertFalse(http.get("/api/v1/messages/" + messageId, ana.accessToken()).body().get("message").has("attachments"));
    }

    @Test
    void dangerousTypesDownloadInert() throws Exception {
        byte[] html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8);
        String fileId = uploadRaw(ana, "page.html", "image/png", html, true).body.get("file").get("id").asText();
        http.post("/api/v1/chats/" + team.general + "/messages", Map.of("content", "page", "attachments", List.of(fileId)), ana.accessToken());
        HttpResponse<byte[]> got = download(bob, "/api/v1/files/" + fileId + "/content", null);
        assertAll(
                () -> assertEquals(200, got.statusCode()),
                () -> assertEquals("application/octet-stream", got.headers().firstValue("Content-Type").orElse("")),
                () -> assertTrue(got.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;")),
                () -> assertTrue(got.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox")),
                () -> assertEquals("nosniff", got.headers().firstValue("X-Content-Type-Options").orElse("")));
        JsonNode meta = http.get("/api/v1/files/" + fileId, bob.accessToken()).body().get("file");
        assertEquals("text/html", meta.get("contentType").asText(), "what it is, as sniffed");
    }

    @Test
    void filesAreFoundByNameAndHasFile() throws Exception {
        String name = "budget-" + UUID.randomUUID().toString().substring(0, 8) + ".csv";
        String fileId = uploadRaw(ana, name, null, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), true).body.get("file").get("id").asText();
        http.post("/api/v1/chats/" + team.general + "/messages", Map.of("content", "numbers for the quarter", "attachments", List.of(fileId)),
                ana.accessToken());
        String stem = name.substring(0, name.indexOf('.'));
        JsonNode files = awaitSearch(bob, stem, "files", 1);
        JsonNode messages = awaitSearch(bob, "quarter has:file", "messages", 1);
        JsonNode byStem = awaitSearch(bob, stem.substring(stem.indexOf('-') + 1), "messages", 1);
        assertAll(
                () -> assertEquals("file", files.get(0).get("type").asText()),
                () -> assertEquals(fileId, files.get(0).get("file").get("id").asText()),
                () -> assertEquals(name, files.get(0).get("file").get("name").asText()),
                () -> assertEquals(fileId, messages.get(0).get("message").get("attachments").get(0).get("id").asText()),
                () -> assertEquals(fileId, byStem.get(0).get("message").get("attachments").get(0).get("id").asText(),
                        "a part of the file name finds the message"));
        assertEquals(0, search(eve, stem, "files", "in:#nowhere").get("results").size());
    }

    @Test
    void uploadsAreRateLimited() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("limits.uploads_per_minute", "3"))) {
            Team t = Team.bootstrap(limited);
            int[] statuses = new int[4];
            String retry = null;
            for (int i = 0; i < 4; i++) {
                Up r = uploadRaw(limited, t, t.owner, "n" + i + ".txt", null, ("n" + i).getBytes(StandardCharsets.UTF_8), true, null);
                statuses[i] = r.status;
                if (r.status == 429) retry = r.retryAfter;
            }
            assertArrayEquals(new int[]{201, 201, 201, 429}, statuses);
            assertTrue(retry != null && Integer.parseInt(retry) > 0, "Retry-After");
        }
    }

    @Test
    void theQuotaCountsLiveFilesOfTheWorkspace() throws Exception {
        try (TestServer small = TestServer.start(Map.of("files.max_size", "1MiB", "files.workspace_quota", "2MiB"))) {
            Team t = Team.bootstrap(small);
            byte[] nine = new byte[900 * 1024];
            assertEquals(201, uploadRaw(small, t, t.owner, "a.bin", null, nine, true, null).status);
            assertEquals(201, uploadRaw(small, t, t.owner, "b.bin", null, nine, true, null).status);
            Up third = uploadRaw(small, t, t.owner, "c.bin", null, nine, false, null);
            assertEquals(413, third.status);
            assertEquals("quota_exceeded", third.body.get("error").get("code").asText());
        }
    }

    @Test
    void housekeepingDeletesUnclaimedUploadsAndCollectsBlobs() throws Exception {
        ManualClock clock = ManualClock.running();
        try (TestServer s = TestServer.start(Map.of(), clock, null)) {
            Team t = Team.bootstrap(s);
            var files = s.server().services().files();
            var owner = t.owner.user().id();
            var kept = files.upload(owner, t.workspaceId, "kept.txt", -1, in("kept"));
            var unclaimed = files.upload(owner, t.workspaceId, "unclaimed.txt", -1, in("unclaimed"));
            var attached = files.upload(owner, t.workspaceId, "attached.txt", -1, in("attached"));
            var msg = t.services.messages().send(owner, t.general, UUID.randomUUID(),
                    new io.parley.core.chat.Draft("", null, List.of(attached.id(), kept.id()), false)).join().message();
            t.services.messages().delete(owner, msg.id(), UUID.randomUUID()).join();
            Path blobs = s.dataDir().resolve("files").resolve("blobs");

            assertEquals(0, files.collect(), "blobs written in the last minutes are left alone");
            assertTrue(exists(blobs, attached.sha256()));
            clock.set(java.time.Instant.now().plus(Duration.ofHours(25)));
            assertEquals(3, files.collect(), "the deleted message's two files and the unclaimed upload");
            assertAll(
                    () -> assertFalse(exists(blobs, attached.sha256())),
                    () -> assertFalse(exists(blobs, unclaimed.sha256())),
                    () -> assertFalse(exists(blobs, kept.sha256())),
                    () -> assertEquals(ErrorCode.NOT_FOUND,
                            assertThrows(ParleyException.class, () -> files.file(owner, unclaimed.id())).code()));
            assertEquals(0, files.collect(), "nothing left to collect");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Up(int status, JsonNode body, String retryAfter) {}

    private Up uploadRaw(Tokens who, String name, String type, byte[] bytes, boolean withLength) throws Exception {
        return uploadRaw(who, name, type, bytes, withLength, null);
    }

    private Up uploadRaw(Tokens who, String name, String type, byte[] bytes, boolean withLength, String path) throws Exception {
        return uploadRaw(server, team, who, name, type, bytes, withLength, path);
    }

    private static Up uploadRaw(TestServer s, Team t, Tokens who, String name, String type, byte[] bytes, boolean withLength,
                                String path) throws Exception {
        String p = path != null ? path
                : "/api/v1/workspaces/" + t.workspaceId + "/files?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = withLength ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)); // chunked
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + p)).timeout(Duration.ofSeconds(60)).POST(body);
        if (type != null) b.header("Content-Type", type);
        if (who != null) b.header("Authorization", "Bearer " + who.accessToken());
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : Http.JSON.readTree(r.body());
        return new Up(r.statusCode(), json, r.headers().firstValue("Retry-After").orElse(null));
    }

    private HttpResponse<byte[]> download(Tokens who, String path, String ifNoneMatch) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + who.accessToken()).GET();
        if (ifNoneMatch != null) b.header("If-None-Match", ifNoneMatch);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode search(Tokens who, String q, String scope, String extra) {
        String query = extra == null ? q : q + " " + extra;
        return http.get("/api/v1/workspaces/" + team.workspaceId + "/search?scope=" + scope + "&q="
                + URLEncoder.encode(query, StandardCharsets.UTF_8), who.accessToken()).body();
    }

    /** Search until the index shows {@code n} results (the index follows the bus, within a second). */
    private JsonNode awaitSearch(Tokens who, String q, String scope, int n) throws InterruptedException {
        return Await.value(Duration.ofSeconds(10), "search '" + q + "' (" + scope + ")",
                () -> search(who, q, scope, null).get("results"), r -> r != null && r.size() >= n);
    }

    private static boolean exists(Path blobs, String sha) {
        return Files.exists(blobs.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha));
    }

    private static InputStream in(String s) {
        return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < w; x += 10) for (int y = 0; y < h; y++) img.setRGB(x, y, 0x3366cc);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
