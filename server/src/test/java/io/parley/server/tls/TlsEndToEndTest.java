package io.parley.server.tls;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.auth.Tokens;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.TestTls;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS served by Parley itself, driven over real TLS by clients that trust the test CA alone and verify host names:
 * REST and WebSocket end to end, HSTS, ALPN, the redirect port, the protocol floor, and certificate reloads under open
 * WebSockets.
 */
@Timeout(120)
class TlsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private final TestTls.Authority root = TestTls.Authority.root("Parley Test Root");
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Path cert() { return dir.resolve("cert.pem"); }

    private Path key() { return dir.resolve("key.pem"); }

    private TestServer start(TestTls.Leaf leaf, Map<String, String> extra) throws IOException {
        leaf.write(cert(), key(), TestTls.KeyForm.PKCS8);
        Map<String, String> o = new HashMap<>(TestTls.serverSettings(cert(), key()));
        o.putAll(extra);
        server = TestServer.start(o);
        return server;
    }

    @Test
    void restAndWebSocketOverTlsWithAChainHstsAndAlpn() throws Exception {
        TestTls.Authority intermediate = root.intermediate("Parley Test Intermediate");
        start(intermediate.issue("EC"), Map.of()); // the certificate file holds the chain: leaf, then intermediate
        assertTrue(server.server().url().startsWith("https://127.0.0.1:"), "the derived URL is https: " + server.server().url());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        Http http = new Http(server.baseUrl(), TestTls.client(root));

        Http.Res me = http.get("/api/v1/users/me", team.owner.accessToken());
        assertEquals(200, me.status(), me.raw());
        assertEquals("owner", me.body().path("user").path("handle").asText(me.raw()), me.raw());
        assertEquals(HttpClient.Version.HTTP_1_1, me.response().version(), "ALPN picked http/1.1 (the client offered h2 first)");
        assertEquals("TLSv1.3", me.response().sslSession().orElseThrow().getProtocol());
        Http.Res missing = http.get("/api/v1/no-such-thing", null);
        Http.Res page = http.get("/", null);
        assertAll("HSTS on every response",
                () -> assertEquals("max-age=31536000", me.header("Strict-Transport-Security")),
                () -> assertEquals(404, missing.status()),
                () -> assertEquals("max-age=31536000", missing.header("Strict-Transport-Security")),
                () -> assertEquals(200, page.status()),
                () -> assertEquals("max-age=31536000", page.header("Strict-Transport-Security")));

        try (SSLSocket s = TestTls.open(TestTls.client(root), server.port())) {
            var p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            assertEquals("http/1.1", s.getApplicationProtocol(), "ALPN advertises http/1.1 alone");
        }

        try (WsClient owner = WsClient.connect(server.wsUrl(), team.owner.accessToken(), TestTls.client(root));
             WsClient b = WsClient.connect(server.wsUrl(), bob.accessToken(), TestTls.client(root))) {
            owner.awaitType("hello");
            b.awaitType("hello");
            UUID id = b.send("message.send", payload().put("chatId", team.general.toString()).put("content", "over wss"));
            assertEquals("ok", b.awaitReply(id).path("payload").path("status").asText());
            JsonNode got = owner.await(f -> "message.new".equals(f.path("type").asText()));
            assertEquals("over wss", got.path("payload").path("message").path("content").asText());
            Http.Res posted = http.post("/api/v1/chats/" + team.general + "/messages", Map.of("content", "over https"), team.owner.accessToken());
            assertEquals(201, posted.status(), posted.raw());
            JsonNode live = b.await(f -> "message.new".equals(f.path("type").asText())
                    && "over https".equals(f.path("payload").path("message").path("content").asText()));
            assertEquals(team.general.toString(), live.path("payload").path("chatId").asText());
        }

        // Streamed bodies both ways through TLS: an upload past the aggregator's 1 MiB, and its download.
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        HttpClient https = HttpClient.newBuilder().sslContext(TestTls.client(root)).build();
        HttpResponse<String> up = https.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/workspaces/" + team.workspaceId
                        + "/files?name=big.bin")).header("Authorization", "Bearer " + team.owner.accessToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        String fileId = Http.JSON.readTree(up.body()).path("file").path("id").asText();
        HttpResponse<byte[]> down = https.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files/" + fileId + "/content"))
                .header("Authorization", "Bearer " + team.owner.accessToken()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertTrue(java.util.Arrays.equals(big, down.body()), "the download is the upload, byte for byte");
        assertEquals("max-age=31536000", down.headers().firstValue("Strict-Transport-Security").orElse(null), "streamed responses too");

        // Nothing is served in plain text on the TLS port.
        assertThrows(IllegalStateException.class, () -> new Http("http://127.0.0.1:" + server.port()).get("/health", null));
    }

    @Test
    void noHstsWithoutTls() {
        server = TestServer.start();
        Http.Res health = new Http(server.baseUrl()).get("/health", null);
        assertEquals(200, health.status());
        assertNull(health.header("Strict-Transport-Security"), "HSTS only comes with TLS");
    }

    @Test
    void theRedirectPortRedirectsEverythingAndServesNothing() throws Exception {
        start(root.issue("EC"), Map.of("server.tls.redirect_port", "0", "server.tls.hsts_max_age", "1h"));
        int plain = server.server().redirectAddress().getPort();
        String https = "https://127.0.0.1:" + server.port();
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/api/v1/users/me?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/api/v1/setup"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertAll(
                () -> assertEquals(301, get.statusCode()),
                () -> assertEquals(https + "/api/v1/users/me?x=1", get.headers().firstValue("Location").orElse(null)),
                () -> assertEquals(308, post.statusCode(), "a POST keeps its method and body"),
                () -> assertEquals(https + "/api/v1/setup", post.headers().firstValue("Location").orElse(null)),
                () -> assertEquals(301, health.statusCode(), "not even /health is served in plain text"),
                () -> assertEquals("", health.body()),
                () -> assertTrue(health.headers().firstValue("Strict-Transport-Security").isEmpty(), "HSTS means nothing over http"));

        // A WebSocket upgrade is redirected, not upgraded; another Host keeps its name with the https port.
        String upgrade = raw(plain, "GET /ws HTTP/1.1\r\nHost: localhost:" + plain + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(upgrade.startsWith("HTTP/1.1 301"), upgrade);
        assertTrue(upgrade.contains("location: https://localhost:" + server.port() + "/ws\r\n"), upgrade);
        String noHost = raw(plain, "GET / HTTP/1.0\r\n\r\n");
        assertTrue(noHost.startsWith("HTTP/1.1 400"), noHost);

        // The target answers, with HSTS as configured.
        Http.Res followed = new Http(https, TestTls.client(root)).get("/api/v1/setup", null);
        assertEquals(200, followed.status(), followed.raw());
        assertEquals("max-age=3600", followed.header("Strict-Transport-Security"));
    }

    /** {@return everything the server answers to a raw request before it closes the connection} */
    private static String raw(int port, String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT)
                    .replaceFirst("^http/1.1", "HTTP/1.1");
        }
    }

    @Test
    void tls13ByDefaultAndNothingOlderThan12Ever() throws Exception {
        start(root.issue("EC"), Map.of());
        int port = server.port();
        for (int version : new int[] {0x0301, 0x0302, 0x0303}) {
            TestTls.Answer a = TestTls.offerOnly(version, port);
            assertTrue(a.isAlert(TestTls.Answer.PROTOCOL_VERSION), "a hello offering only 0x" + Integer.toHexString(version)
                    + " is refused with protocol_version by the server: " + a);
        }
        assertThrows(SSLHandshakeException.class, () -> TestTls.handshake(root, port, "TLSv1.2"), "a TLS 1.2-only client is refused");
        try (SSLSocket s = TestTls.open(TestTls.client(root), port)) {
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }

    @Test
    void minVersion12AcceptsA12ClientAndStillNothingOlder() throws Exception {
        start(root.issue("EC"), Map.of("server.tls.min_version", "1.2"));
        int port = server.port();
        TestTls.Answer hello12 = TestTls.offerOnly(0x0303, port);
        assertTrue(hello12.isServerHello() && hello12.serverHelloVersion() == 0x0303, "the same hello at 1.2 is answered: " + hello12);
        for (int version : new int[] {0x0301, 0x0302}) {
            TestTls.Answer a = TestTls.offerOnly(version, port);
            assertTrue(a.isAlert(TestTls.Answer.PROTOCOL_VERSION), "0x" + Integer.toHexString(version) + " is refused: " + a);
        }
        try (SSLSocket s = TestTls.open(TestTls.client(root), port, "TLSv1.2")) {
            s.startHandshake();
            assertEquals("TLSv1.2", s.getSession().getProtocol());
        }
    }

    @Test
    void aChangedFileIsLoadedForNewConnectionsWhileOpenWebSocketsKeepWorking() throws Exception {
        TestTls.Leaf first = root.issue("EC");
        start(first, Map.of("server.tls.reload_interval", "100ms"));
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        TestTls.Recorder oldSide = new TestTls.Recorder(root);
        try (WsClient old = WsClient.connect(server.wsUrl(), team.owner.accessToken(), oldSide.context())) {
            old.awaitType("hello");
            assertEquals(first.serial(), oldSide.seen().getLast().getSerialNumber());

            // A renewal: a new key of another type (RSA, in PKCS#1) and a new serial, certificate written before key.
            TestTls.Leaf second = root.issue("RSA");
            second.writeCertificate(cert());
            TestTls.writeKey(key(), second.keys(), TestTls.KeyForm.TRADITIONAL);
            awaitServed(second.serial());
            assertEquals(1.0, metric("parley_tls_reloads_total{result=\"loaded\"}"));

            TestTls.Recorder newSide = new TestTls.Recorder(root);
            try (WsClient fresh = WsClient.connect(server.wsUrl(), bob.accessToken(), newSide.context())) {
                fresh.awaitType("hello");
                assertEquals(second.serial(), newSide.seen().getLast().getSerialNumber(), "a new connection gets the new certificate");
                UUID id = old.send("message.send", payload().put("chatId", team.general.toString()).put("content", "from the old connection"));
                assertEquals("ok", old.awaitReply(id).path("payload").path("status").asText(), "the old connection still sends");
                fresh.await(f -> "from the old connection".equals(f.path("payload").path("message").path("content").asText()));
                UUID back = fresh.send("message.send", payload().put("chatId", team.general.toString()).put("content", "to the old connection"));
                assertEquals("ok", fresh.awaitReply(back).path("payload").path("status").asText());
                old.await(f -> "to the old connection".equals(f.path("payload").path("message").path("content").asText()));
                assertFalse(old.isClosed());
            }

            // A bad pair (a new certificate with the previous key) is refused; the good one stays in service.
            TestTls.Leaf third = root.issue("EC");
            third.writeCertificate(cert());
            Await.until(WAIT, "the mismatched pair to be refused", () -> metric("parley_tls_reloads_total{result=\"refused\"}") == 1.0);
            assertEquals(second.serial(), TestTls.handshake(root, server.port()).getSerialNumber());
            // An expired one too.
            TestTls.Leaf expired = root.issue("EC", Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
            expired.write(cert(), key(), TestTls.KeyForm.PKCS8);
            Await.until(WAIT, "the expired certificate to be refused", () -> metric("parley_tls_reloads_total{result=\"refused\"}") == 2.0);
            assertEquals(second.serial(), TestTls.handshake(root, server.port()).getSerialNumber());
            // Fixed: loaded.
            third.write(cert(), key(), TestTls.KeyForm.PKCS8);
            awaitServed(third.serial());
            assertEquals(third.certificate().getNotAfter().getTime() / 1000, (long) metric("parley_tls_certificate_expiry_seconds"),
                    "the expiry gauge follows the served certificate");

            UUID still = old.send("message.send", payload().put("chatId", team.general.toString()).put("content", "still here"));
            assertEquals("ok", old.awaitReply(still).path("payload").path("status").asText(), "after three reloads");
            assertEquals(1, oldSide.seen().size(), "the old connection never handshook again");
        }
    }

    private void awaitServed(BigInteger serial) throws InterruptedException {
        Await.value(WAIT, "new connections to get serial " + serial.toString(16), () -> {
            try {
                return TestTls.handshake(root, server.port()).getSerialNumber();
            } catch (IOException e) {
                return null;
            }
        }, serial::equals);
    }

    /** {@return a sample's value from /metrics (over TLS), or -1 when absent} */
    private double metric(String sample) {
        String scrape = new Http(server.baseUrl(), TestTls.client(root)).get("/metrics", null).raw();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(sample + " ")) return Double.parseDouble(line.substring(sample.length() + 1));
        }
        return -1;
    }
}
