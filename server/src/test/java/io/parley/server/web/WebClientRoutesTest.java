package io.parley.server.web;

import io.parley.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web client as a running server serves it: types, cache headers, CSP, client routes, 404s, no traversal. */
@Timeout(60)
class WebClientRoutesTest {
    private static TestServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void thePageIsServedAtTheRootWithAStrictPolicyAndNeverCached() throws Exception {
        var r = get("/");
        String csp = header(r, "content-security-policy");
        assertAll(
                () -> assertEquals(200, r.statusCode()),
                () -> assertEquals("text/html; charset=utf-8", header(r, "content-type")),
                () -> assertEquals("no-store", header(r, "cache-control")),
                () -> assertTrue(r.body().contains("<script type=\"module\" src=\"/js/main.js\"></script>"), "loads the client as a module"),
                () -> assertFalse(r.body().matches("(?s).*<script>.*"), "no inline script"),
                () -> assertNotNull(csp),
                () -> assertTrue(csp.contains("script-src 'self';"), csp),
                () -> assertTrue(csp.contains("style-src 'self';"), csp),
                () -> assertTrue(csp.contains("img-src 'self' blob: data:;"), csp),
                () -> assertTrue(csp.contains("connect-src 'self' ws://127.0.0.1:" + server.port() + " wss://127.0.0.1:" + server.port() + ";"), csp),
                () -> assertTrue(csp.contains("frame-ancestors 'none'"), csp),
                () -> assertTrue(csp.contains("require-trusted-types-for 'script'"), csp),
                () -> assertFalse(csp.contains("unsafe"), csp),
                () -> assertEquals("nosniff", header(r, "x-content-type-options")));
    }

    @Test
    void assetsHaveTheirTypesAndRevalidateByEtag() throws Exception {
        var js = get("/js/main.js");
        var css = get("/app.css");
        var sw = get("/sw.js");
        var svg = get("/icon.svg");
        String etag = header(js, "etag");
        var again = get("/js/main.js", "If-None-Match", etag);
        var changed = get("/js/main.js", "If-None-Match", "\"other\"");
        assertAll(
                () -> assertEquals(200, js.statusCode()),
                () -> assertEquals("text/javascript; charset=utf-8", header(js, "content-type")),
                () -> assertEquals("no-cache", header(js, "cache-control")),
                () -> assertTrue(etag != null && etag.matches("\"[0-9a-f]{32}\""), "strong ETag: " + etag),
                () -> assertNotNull(header(js, "content-security-policy")),
                () -> assertEquals(304, again.statusCode()),
                () -> assertEquals("", again.body()),
                () -> assertEquals(etag, header(again, "etag")),
                () -> assertEquals(200, changed.statusCode()),
                () -> assertEquals("text/css; charset=utf-8", header(css, "content-type")),
                () -> assertEquals("text/javascript; charset=utf-8", header(sw, "content-type"), "the service worker is a script at the root, so it can control /"),
                () -> assertTrue(sw.body().contains("addEventListener('push'"), "handles Web Push"),
                () -> assertEquals("image/svg+xml", header(svg, "content-type")));
    }

    @Test
    void clientRoutesGetThePageAndServerRoutesKeepTheirOwnAnswers() throws Exception {
        var join = get("/join/inv_abc123");
        var chat = get("/workspaces/0190a0a0-0000-7000-8000-000000000000/chats/0190a0a0-0000-7000-8000-000000000001");
        var api = get("/api/v1/no-such-thing");
        var hooks = get("/hooks");
        var hookGet = get("/hooks/some-token");
        var ws = get("/ws");
        var health = get("/health");
        var setup = get("/api/v1/setup");
        assertAll(
                () -> assertEquals(200, join.statusCode()),
                () -> assertTrue(join.body().contains("/js/main.js")),
                () -> assertEquals(200, chat.statusCode()),
                () -> assertTrue(chat.body().contains("/js/main.js")),
                () -> assertEquals(404, api.statusCode()),
                () -> assertTrue(api.body().contains("\"not_found\""), "API typos stay JSON errors"),
                () -> assertEquals(404, hooks.statusCode()),
                () -> assertTrue(hooks.body().contains("\"not_found\"")),
                () -> assertEquals(405, hookGet.statusCode(), "a webhook URL only takes POST"),
                () -> assertFalse(hookGet.body().contains("/js/main.js")),
                () -> assertFalse(ws.body().contains("/js/main.js"), "/ws is not the page"),
                () -> assertEquals(200, health.statusCode()),
                () -> assertTrue(health.body().contains("\"status\"")),
                () -> assertEquals(200, setup.statusCode()),
                () -> assertTrue(setup.body().contains("\"open\":true")));
    }

    @Test
    void unknownAssetsAndTraversalAre404() throws Exception {
        var missing = get("/js/nope.js");
        var unknownType = get("/index.exe");
        var dotfile = get("/.git/config");
        assertAll(
                () -> assertEquals(404, missing.statusCode()),
                () -> assertEquals(404, unknownType.statusCode()),
                () -> assertEquals(404, dotfile.statusCode()));
        for (String path : new String[]{"/../pom.xml", "/%2e%2e/%2e%2e/pom.xml", "/js/..%2f..%2fio/parley/server/app/Main.class",
                "/..%5c..%5cpom.xml", "/web/index.html/../../logback.xml", "/%2e%2e/logback.xml", "/logback.xml", "/db/migration/common/V1__init.sql"}) {
            String raw = rawGet(path);
            assertTrue(raw.startsWith("HTTP/1.1 404") || raw.startsWith("HTTP/1.1 400"), path + " → " + raw.lines().findFirst().orElse(""));
            assertFalse(raw.contains("<configuration") || raw.contains("CREATE TABLE"), path + " leaked a file");
        }
    }

    @Test
    void assetNamesAreCheckedBeforeTheClassLoaderSeesThem() {
        assertAll(
                () -> assertTrue(StaticAssets.isAssetPath("/js/render/chat.js")),
                () -> assertTrue(StaticAssets.isAssetPath("/app.css")),
                () -> assertFalse(StaticAssets.isAssetPath("/js/../app.css")),
                () -> assertFalse(StaticAssets.isAssetPath("/./app.css")),
                () -> assertFalse(StaticAssets.isAssetPath("//app.css")),
                () -> assertFalse(StaticAssets.isAssetPath("/.hidden.js")),
                () -> assertFalse(StaticAssets.isAssetPath("/a\\b.js")),
                () -> assertFalse(StaticAssets.isAssetPath("/app.class")),
                () -> assertFalse(StaticAssets.isAssetPath("/")),
                () -> assertEquals("text/javascript; charset=utf-8", StaticAssets.contentType("x.mjs").orElseThrow()));
    }

    @Test
    void theWebSocketOriginInThePolicyComesOnlyFromAPlainHostHeader() {
        assertAll(
                () -> assertTrue(ContentSecurityPolicy.forHost("chat.example.com").contains("connect-src 'self' ws://chat.example.com wss://chat.example.com;")),
                () -> assertTrue(ContentSecurityPolicy.forHost("[::1]:8080").contains("ws://[::1]:8080")),
                () -> assertTrue(ContentSecurityPolicy.forHost("evil.com; script-src *").contains("connect-src 'self';")),
                () -> assertTrue(ContentSecurityPolicy.forHost(null).contains("connect-src 'self';")));
    }

    @Test
    void theServiceWorkerPrecachesEveryFileOfTheClient() throws Exception {
        Path root = Path.of(WebClientRoutesTest.class.getClassLoader().getResource("web/index.html").toURI()).getParent();
        String sw = get("/sw.js").body();
        List<String> missing;
        try (Stream<Path> files = Files.walk(root)) {
            missing = files.filter(Files::isRegularFile)
                    .map(p -> "/" + root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("/sw.js") && !p.equals("/index.html"))
                    .filter(p -> !sw.contains("'" + p + "'"))
                    .toList();
        }
        assertTrue(missing.isEmpty(), "sw.js SHELL_FILES must list every client file (offline start): missing " + missing);
        assertTrue(sw.contains("'/'"), "and the page");
    }

    /** Sends the path exactly as written (java.net.http would normalise it). */
    private static String rawGet(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
