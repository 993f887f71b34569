package io.parley.server.files;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Http;
import io.parley.server.PgTestSchema;
import io.parley.server.Team;
import io.parley.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads scanned by a real clamd before anyone gets them (spec 002 §10.4), over real HTTP: a clean file is stored and
 * marked clean; an infected one (the EICAR test file; an image named infected by its hash) is refused with
 * {@code file_infected} and leaves nothing behind (no blob, no row, no quota, no thumbnail, nothing to find); a file
 * over clamd's {@code StreamMaxLength}, a clamd that is down and one that never answers are refused by default and
 * stored marked unscanned when the admin chose to accept them; every scan is timed in {@code /metrics}. On SQLite with
 * blobs on disk, and once on PostgreSQL with blobs in the database.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileScanningEndToEndTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SCANS = Pattern.compile("parley_file_scan_seconds_count\\{result=\"(\\w+)\",?} (\\d+)");

    private Clamd clamd;
    private byte[] infectedImage;
    private TestServer server;
    private Team team;
    private Tokens ana;

    @BeforeAll
    void start() throws Exception {
        infectedImage = png(800, 400);
        clamd = Clamd.start("1M", infectedImage);
        server = TestServer.start(scanning(clamd.tcpAddress(), Map.of()));
        team = Team.bootstrap(server);
        ana = team.add("ana");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) server.close();
        if (clamd != null) clamd.close();
    }

    private static Map<String, String> scanning(String address, Map<String, String> more) {
        Map<String, String> o = new HashMap<>(Map.of("files.scan_address", address, "files.max_size", "16MiB",
                "limits.uploads_per_minute", "1000"));
        o.putAll(more);
        return o;
    }

    @Test
    void aCleanUploadIsStoredMarkedCleanAndDownloads() throws Exception {
        byte[] note = "the minutes of Monday's meeting".getBytes(StandardCharsets.UTF_8);
        Up up = raw(server, team, ana, "minutes.txt", note, true);
        assertEquals(201, up.status, up.body.toString());
        JsonNode f = up.body.get("file");
        String id = f.get("id").asText();
        assertEquals("clean", f.get("scan").asText());
        assertEquals("clean", new Http(server.baseUrl()).get("/api/v1/files/" + id, ana.accessToken()).body().get("file").get("scan").asText());
        assertArrayEquals(note, download(server, ana, id).body());
        Http.Res posted = new Http(server.baseUrl()).post("/api/v1/chats/" + team.general + "/messages",
                Map.of("content", "minutes attached", "attachments", List.of(id)), ana.accessToken());
        assertEquals(201, posted.status(), posted.raw());
    }

    @Test
    void anInfectedUploadIsRefusedRawAndMultipartAndNothingIsKept() throws Exception {
        long used = usedBytes(server, team);
        String name = "invoice-" + UUID.randomUUID().toString().substring(0, 8) + ".txt";
        List<Up> tries = List.of(raw(server, team, ana, name, Clamd.eicar(), true), raw(server, team, ana, name, Clamd.eicar(), false),
                multipart(server, team, ana, name, Clamd.eicar()));
        for (Up up : tries) {
            assertAll(
                    () -> assertEquals(422, up.status, up.body.toString()),
                    () -> assertEquals("file_infected", up.body.get("error").get("code").asText()),
                    () -> assertTrue(up.body.get("error").get("message").asText().contains(Clamd.EICAR_SIGNATURE), up.body.toString()),
                    () -> assertFalse(up.body.has("file"), "no file to attach"));
        }
        assertNothingKept(server, team, sha(Clamd.eicar()), used);
        JsonNode found = new Http(server.baseUrl()).get("/api/v1/workspaces/" + team.workspaceId + "/search?scope=files&q="
                + URLEncoder.encode(name.substring(0, name.indexOf('.')), StandardCharsets.UTF_8), ana.accessToken()).body();
        assertEquals(0, found.get("results").size(), "nothing to find");
    }

    @Test
    void anInfectedImageIsNeverThumbnailed() throws Exception {
        long used = usedBytes(server, team);
        long blobsBefore = blobCount(server);
        Up up = raw(server, team, ana, "holiday.png", infectedImage, true);
        assertEquals(422, up.status, up.body.toString());
        assertTrue(up.body.get("error").get("message").asText().contains(Clamd.FILE_SIGNATURE), up.body.toString());
        assertNothingKept(server, team, sha(infectedImage), used);
        assertEquals(blobsBefore, blobCount(server), "neither the image nor a thumbnail of it");

        byte[] other = png(800, 401); // a clean image still gets its thumbnail
        Up clean = raw(server, team, ana, "other.png", other, true);
        assertEquals(201, clean.status, clean.body.toString());
        assertEquals(360, clean.body.get("file").get("thumbnail").get("width").asInt());
    }

    @Test
    void everyScanIsTimedByItsResult() throws Exception {
        Map<String, Long> before = scans(server);
        assertEquals(201, raw(server, team, ana, "a.txt", "a".getBytes(StandardCharsets.UTF_8), true).status);
        assertEquals(422, raw(server, team, ana, "b.txt", Clamd.eicar(), true).status);
        Map<String, Long> after = scans(server);
        assertAll(
                () -> assertEquals(before.get("clean") + 1, after.get("clean"), after.toString()),
                () -> assertEquals(before.get("infected") + 1, after.get("infected"), after.toString()),
                () -> assertEquals(before.get("unavailable"), after.get("unavailable"), after.toString()),
                () -> assertTrue(metrics(server).contains("parley_file_scan_seconds_bucket{result=\"infected\""), "a histogram"));
    }

    /** clamd's StreamMaxLength is 1M here: a bigger file is not judged, so it is refused as too large, or kept unscanned. */
    @Test
    void aFileOverTheScannersLimitIsRefusedOrKeptUnscanned() throws Exception {
        byte[] big = new byte[3 << 20];
        new Random(9).nextBytes(big);
        long used = usedBytes(server, team);
        Up refused = raw(server, team, ana, "big.bin", big, false);
        assertAll(
                () -> assertEquals(413, refused.status, refused.body.toString()),
                () -> assertEquals("file_too_large", refused.body.get("error").get("code").asText()),
                () -> assertTrue(refused.body.get("error").get("message").asText().contains("virus scanner")));
        assertNothingKept(server, team, sha(big), used);

        try (TestServer accepting = TestServer.start(scanning(clamd.tcpAddress(), Map.of("files.scan_unavailable", "accept")))) {
            Team t = Team.bootstrap(accepting);
            Up kept = raw(accepting, t, t.owner, "big.bin", big, false);
            assertEquals(201, kept.status, kept.body.toString());
            assertEquals("unscanned", kept.body.get("file").get("scan").asText());
            assertEquals(1, scans(accepting).get("too_large"));
        }
    }

    @Test
    void aScannerThatIsDownRefusesUploadsOrKeepsThemUnscanned() throws Exception {
        try (Clamd own = Clamd.start("1M");
             TestServer refusing = TestServer.start(scanning(own.tcpAddress(), Map.of()));
             TestServer accepting = TestServer.start(scanning(own.tcpAddress(), Map.of("files.scan_unavailable", "accept")))) {
            Team r = Team.bootstrap(refusing);
            Team a = Team.bootstrap(accepting);
            byte[] note = "while clamd is away".getBytes(StandardCharsets.UTF_8);
            assertEquals(201, raw(refusing, r, r.owner, "before.txt", note, true).status, "up: accepted");

            own.stop();
            long used = usedBytes(refusing, r);
            Up refused = raw(refusing, r, r.owner, "during.txt", note, true);
            assertAll(
                    () -> assertEquals(503, refused.status, refused.body.toString()),
                    () -> assertEquals("scan_unavailable", refused.body.get("error").get("code").asText()),
                    () -> assertEquals("30", refused.retryAfter, "Retry-After"));
            assertEquals(used, usedBytes(refusing, r), "nothing stored");
            assertEquals(1, scans(refusing).get("unavailable"));

            Up kept = raw(accepting, a, a.owner, "during.txt", note, true);
            assertEquals(201, kept.status, kept.body.toString());
            String id = kept.body.get("file").get("id").asText();
            assertEquals("unscanned", kept.body.get("file").get("scan").asText());
            assertEquals("unscanned", new Http(accepting.baseUrl()).get("/api/v1/files/" + id, a.owner.accessToken())
                    .body().get("file").get("scan").asText(), "the mark is stored");
            assertArrayEquals(note, download(accepting, a.owner, id).body());

            own.restart();
            Up after = raw(refusing, r, r.owner, "after.txt", note, true);
            assertEquals(201, after.status, after.body.toString());
            assertEquals("clean", after.body.get("file").get("scan").asText());
        }
    }

    /** A socket that accepts and never answers: uploads wait for files.scan_timeout, then follow the same setting. */
    @Test
    void aScannerThatNeverAnswersHitsTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "tcp://127.0.0.1:" + silent.getLocalPort();
            try (TestServer refusing = TestServer.start(scanning(address, Map.of("files.scan_timeout", "1s")));
                 TestServer accepting = TestServer.start(scanning(address, Map.of("files.scan_timeout", "1s",
                         "files.scan_unavailable", "accept")))) {
                Team r = Team.bootstrap(refusing);
                Team a = Team.bootstrap(accepting);
                byte[] note = "nobody is listening".getBytes(StandardCharsets.UTF_8);
                long start = System.nanoTime();
                Up refused = raw(refusing, r, r.owner, "slow.txt", note, true);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertEquals(503, refused.status, refused.body.toString());
                assertEquals("scan_unavailable", refused.body.get("error").get("code").asText());
                assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);

                Up kept = raw(accepting, a, a.owner, "slow.txt", note, true);
                assertEquals(201, kept.status, kept.body.toString());
                assertEquals("unscanned", kept.body.get("file").get("scan").asText());
            }
        }
    }

    @Test
    void clamdOnItsUnixSocket() throws Exception {
        try (TestServer unix = TestServer.start(scanning(clamd.unixAddress(), Map.of()))) {
            Team t = Team.bootstrap(unix);
            Up infected = raw(unix, t, t.owner, "eicar.com", Clamd.eicar(), true);
            Up clean = raw(unix, t, t.owner, "fine.txt", "fine".getBytes(StandardCharsets.UTF_8), true);
            assertAll(
                    () -> assertEquals("file_infected", infected.body.get("error").get("code").asText()),
                    () -> assertEquals("clean", clean.body.get("file").get("scan").asText()));
        }
    }

    /** A pod keeps its blobs in PostgreSQL: an infected upload never reaches the database; a clean one does. */
    @Test
    void onPostgresAnInfectedUploadNeverReachesTheDatabase() throws Exception {
        try (PgTestSchema schema = PgTestSchema.create(); TestServer pg = TestServer.start(scanning(clamd.tcpAddress(), schema.serverConfig()))) {
            Team t = Team.bootstrap(pg);
            byte[] note = "kept in the database".getBytes(StandardCharsets.UTF_8);
            Up infected = raw(pg, t, t.owner, "eicar.txt", Clamd.eicar(), false);
            Up clean = raw(pg, t, t.owner, "note.txt", note, true);
            assertAll(
                    () -> assertEquals("file_infected", infected.body.get("error").get("code").asText()),
                    () -> assertEquals("clean", clean.body.get("file").get("scan").asText()));
            String count = "SELECT COUNT(*) FROM %s WHERE sha256 = ?";
            assertAll(
                    () -> assertEquals(0L, query(schema.url(), count.formatted("blobs"), sha(Clamd.eicar())), "no blob"),
                    () -> assertEquals(0L, query(schema.url(), count.formatted("blob_chunks"), sha(Clamd.eicar())), "no chunk"),
                    () -> assertEquals(0L, query(schema.url(), count.formatted("files"), sha(Clamd.eicar())), "no row"),
                    () -> assertEquals(0, count(pg.dataDir().resolve("files").resolve("tmp")), "no staged upload left"),
                    () -> assertEquals(1L, query(schema.url(), count.formatted("blobs"), sha(note)), "the clean file is stored"));
        }
    }

    // ---- what is left behind -------------------------------------------------------------------

    /** No blob under the address, no partial upload, no row naming it, the workspace's usage as it was. */
    private static void assertNothingKept(TestServer s, Team t, String sha, long usedBefore) throws Exception {
        Path files = s.dataDir().resolve("files");
        assertAll(
                () -> assertFalse(Files.exists(files.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha)),
                        "no blob"),
                () -> assertEquals(0, count(files.resolve("tmp")), "no staged upload left"),
                () -> assertEquals(0L, query(s, "SELECT COUNT(*) FROM files WHERE sha256 = ?", sha), "no row"),
                () -> assertEquals(usedBefore, usedBytes(s, t), "the quota unchanged"));
    }

    private static long usedBytes(TestServer s, Team t) throws Exception {
        return query(s, "SELECT COALESCE(SUM(size), 0) FROM files WHERE workspace_id = ? AND deleted_at IS NULL", t.workspaceId.toString());
    }

    private static long query(TestServer s, String sql, String arg) throws Exception {
        return query("jdbc:sqlite:" + s.dataDir().resolve("parley.db").toAbsolutePath(), sql, arg);
    }

    private static long query(String jdbcUrl, String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long blobCount(TestServer s) throws IOException {
        Path blobs = s.dataDir().resolve("files").resolve("blobs");
        try (Stream<Path> all = Files.walk(blobs)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.count();
        }
    }

    private static String metrics(TestServer s) {
        return new Http(s.baseUrl()).get("/metrics", null).raw();
    }

    /** {@return the scan counts by result, from /metrics} */
    private static Map<String, Long> scans(TestServer s) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = SCANS.matcher(metrics(s));
        while (m.find()) out.put(m.group(1), Long.parseLong(m.group(2)));
        assertEquals(4, out.size(), "every result has its series from the start: " + out);
        return out;
    }

    // ---- requests ------------------------------------------------------------------------------

    private record Up(int status, JsonNode body, String retryAfter) {}

    private static Up raw(TestServer s, Team t, Tokens who, String name, byte[] bytes, boolean withLength) throws Exception {
        HttpRequest.BodyPublisher body = withLength ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)); // chunked
        return send(s, HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1/workspaces/" + t.workspaceId + "/files?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8))).POST(body), who);
    }

    private static Up multipart(TestServer s, Team t, Tokens who, String name, byte[] bytes) throws Exception {
        String boundary = "----parley" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(bytes);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(s, HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1/workspaces/" + t.workspaceId + "/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), who);
    }

    private static Up send(TestServer s, HttpRequest.Builder b, Tokens who) throws Exception {
        HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + who.accessToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : Http.JSON.readTree(r.body());
        assertNotNull(json, "a JSON answer");
        return new Up(r.statusCode(), json, r.headers().firstValue("Retry-After").orElse(null));
    }

    private static HttpResponse<byte[]> download(TestServer s, Tokens who, String id) throws Exception {
        HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1/files/" + id + "/content"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + who.accessToken()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r;
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
