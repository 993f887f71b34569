package io.parley.server.gateway;

import io.parley.server.Http;
import io.parley.server.Http.Res;
import io.parley.server.Team;
import io.parley.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every response that is not the web client's carries {@code Content-Security-Policy: default-src 'none';
 * frame-ancestors 'none'}: JSON, errors, 404 and 405, /metrics, /health, a refused WebSocket upgrade and the 413
 * Netty writes itself; a file download keeps its sandbox and is framed by nothing; the web client's page keeps its own.
 */
@Timeout(60)
class ContentSecurityPolicyEndToEndTest {
    private static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    private static TestServer server;
    private static Team team;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        team = Team.bootstrap(server);
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void apiPolicy(Res r, String what) {
        assertEquals(API_POLICY, r.header("Content-Security-Policy"), what + " (" + r.status() + ")");
    }

    @Test
    void jsonErrorsFilesAndOpsEndpointsCarryTheApiPolicy() {
        String token = team.owner.accessToken();
        Res upload = http.bytes("POST", "/api/v1/workspaces/" + team.workspaceId + "/files?name=plan.txt", "text/plain",
                "the plan".getBytes(StandardCharsets.UTF_8), token);
        assertEquals(201, upload.status(), upload.raw());
        String fileId = upload.body().get("file").get("id").asText();
        Res download = http.get("/api/v1/files/" + fileId + "/content", token);
        assertEquals("the plan", download.raw());
        Res methodNotAllowed = http.delete("/api/v1/auth/login", null);
        assertEquals(405, methodNotAllowed.status(), methodNotAllowed.raw());
        assertAll(
                () -> apiPolicy(http.get("/api/v1/users/me", token), "JSON"),
                () -> apiPolicy(upload, "created"),
                () -> assertEquals("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
                        download.header("Content-Security-Policy"), "a streamed download: its own sandbox, framed by nothing"),
                () -> apiPolicy(http.get("/api/v1/users/me", null), "401"),
                () -> apiPolicy(http.get("/api/v1/no-such-thing", token), "404 of the API"),
                () -> apiPolicy(methodNotAllowed, "405"),
                () -> apiPolicy(http.raw("POST", "/api/v1/workspaces", "{not json", token), "400"),
                () -> apiPolicy(http.get("/health", null), "/health"),
                () -> apiPolicy(http.get("/ready", null), "/ready"),
                () -> apiPolicy(http.get("/metrics", null), "/metrics"),
                () -> apiPolicy(http.post("/hooks/whk_unknown", Map.of("text", "x"), null), "a webhook's plain-text answer"));
    }

    @Test
    void theWebClientKeepsItsOwnPolicy() {
        String page = http.get("/", null).header("Content-Security-Policy");
        assertTrue(page.contains("script-src 'self'") && page.contains("require-trusted-types-for"), page);
    }

    @Test
    void aRefusedWebSocketUpgradeCarriesIt() throws IOException {
        String head = exchange("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 401"), head);
        assertTrue(head.contains("content-security-policy: " + API_POLICY), head);
    }

    @Test
    void theAggregatorsOwnRefusalOfAnOversizedBodyCarriesIt() throws IOException {
        String head = exchange("POST /api/v1/workspaces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (Gateway.MAX_REQUEST_BYTES + 1) + "\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 413"), head);
        assertTrue(head.contains("content-security-policy: " + API_POLICY), head);
    }

    /** {@return the status line and headers (lower-cased) the server answers a raw request with} */
    private static String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            for (int b, state = 0; state < 4 && (b = in.read()) >= 0; ) {
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT).replaceFirst("^http/1.1", "HTTP/1.1");
        }
    }
}
