package io.parley.server.chaos;

import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.TestTls;
import io.parley.server.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.parley.server.WsClient.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parley's TLS in a real process ({@code parley serve} with {@code --tls-certificate}/{@code --tls-private-key}):
 * SIGHUP loads renewed files for new connections while an open {@code wss://} connection keeps working; and a JDK
 * whose security policy allows TLS 1.0 and 1.1 again (an operator's edited {@code java.security}) still does not make
 * Parley accept them, because Parley sets its protocols itself. The file poll is slowed to a day, so only the signal
 * can be what reloads.
 */
@Timeout(120)
class TlsProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Chaos.Scratch scratch;
    private static TestTls.Authority root;
    private static ServerProcess server;
    private static Path cert;
    private static Path key;

    @BeforeAll
    static void start() throws Exception {
        scratch = new Chaos.Scratch();
        root = TestTls.Authority.root("Process Test Root");
        cert = scratch.dir.resolve("cert.pem");
        key = scratch.dir.resolve("key.pem");
        root.issue("EC").write(cert, key, TestTls.KeyForm.EC_PARAMETERS_BLOCK); // as `openssl ecparam -genkey` writes it
        Path policy = scratch.dir.resolve("old-tls.security");
        Files.writeString(policy, "jdk.tls.disabledAlgorithms=\n"); // nothing disabled: TLSv1 and TLSv1.1 allowed by the JDK
        server = scratch.add(ServerProcess.start(scratch.dir.resolve("data"),
                List.of("--tls-certificate", cert.toString(), "--tls-private-key", key.toString()),
                Map.of("PARLEY_SERVER_TLS_RELOAD_INTERVAL", "1d", "PARLEY_SERVER_TLS_MIN_VERSION", "1.2"),
                List.of("-Djava.security.properties=" + policy), Duration.ofSeconds(60)));
        assertTrue(server.baseUrl().startsWith("https://"), server.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        scratch.close();
    }

    @Test
    void sighupLoadsTheRenewedFilesWhileAnOpenWebSocketKeepsWorking() throws Exception {
        Http http = new Http(server.baseUrl(), TestTls.client(root));
        Http.Res setup = http.post("/api/v1/setup", Map.of("email", "owner@example.com", "handle", "owner",
                "displayName", "Olive Owner", "password", "correct horse battery", "workspaceName", "TLS"), null);
        assertEquals(201, setup.status(), setup.raw());
        String token = setup.body().path("accessToken").asText();
        String workspace = setup.body().path("workspace").path("id").asText();
        String general = http.get("/api/v1/workspaces/" + workspace + "/channels", token).body().path("chats").get(0).path("id").asText();
        BigInteger before = TestTls.handshake(root, server.port()).getSerialNumber();

        TestTls.Recorder oldSide = new TestTls.Recorder(root);
        try (WsClient old = WsClient.connect(server.wsUrl(), token, oldSide.context())) {
            old.awaitType("hello");
            TestTls.Leaf renewed = root.issue("EC");
            renewed.write(cert, key, TestTls.KeyForm.TRADITIONAL);
            assertEquals(before, TestTls.handshake(root, server.port()).getSerialNumber(), "nothing reloads before the signal");

            server.signal("HUP");
            Await.value(WAIT, "new connections to get the renewed certificate", () -> serial(), renewed.serial()::equals);
            assertTrue(server.alive(), "SIGHUP reloads, it does not stop the node");

            TestTls.Recorder newSide = new TestTls.Recorder(root);
            try (WsClient fresh = WsClient.connect(server.wsUrl(), token, newSide.context())) {
                fresh.awaitType("hello");
                assertEquals(renewed.serial(), newSide.seen().getLast().getSerialNumber());
                UUID id = old.send("message.send", payload().put("chatId", general).put("content", "after SIGHUP"));
                assertEquals("ok", old.awaitReply(id).path("payload").path("status").asText(), "the old connection still sends");
                fresh.await(f -> "after SIGHUP".equals(f.path("payload").path("message").path("content").asText()));
                old.await(f -> "after SIGHUP".equals(f.path("payload").path("message").path("content").asText()));
            }
            assertFalse(old.isClosed());
            assertEquals(List.of(before), oldSide.seen().stream().map(c -> c.getSerialNumber()).toList());
        }
    }

    @Test
    void aJdkThatAllowsTls10And11StillGetsThemRefusedByParley() throws Exception {
        TestTls.Answer tls12 = TestTls.offerOnly(0x0303, server.port());
        assertTrue(tls12.isServerHello(), "the hello is well formed: at 1.2 it is answered: " + tls12);
        for (int version : new int[] {0x0301, 0x0302}) {
            TestTls.Answer a = TestTls.offerOnly(version, server.port());
            assertTrue(a.isAlert(TestTls.Answer.PROTOCOL_VERSION), "0x" + Integer.toHexString(version)
                    + " is refused with protocol_version: " + a + "; output:\n" + server.output());
        }
    }

    private static BigInteger serial() {
        try {
            return TestTls.handshake(root, server.port()).getSerialNumber();
        } catch (IOException e) {
            return null;
        }
    }
}
