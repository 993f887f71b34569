package io.parley.server.chaos;

import io.parley.core.pod.Failure;
import io.parley.server.Await;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.Orgs3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A remote file's origin that stalls in the middle of the bytes (its link throttled to a trickle) is cut off at the
 * download's deadline: the request's own timeout covers only the reply's headers, and without the cut a stalled
 * origin would hold the download, its reader and its spool file for ever. The same download on a clear link arrives
 * whole and checked.
 */
@Timeout(90)
class RemoteFileStallTest {
    private final Pods.Open open = new Pods.Open();
    private Path dir;

    @AfterEach
    void tearDown() throws Exception {
        open.close();
        if (dir != null) Chaos.deleteTree(dir);
    }

    @Test
    void anOriginStallingInTheBytesIsCutOffAtTheDeadline() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TcpProxy toA = new TcpProxy("127.0.0.1", port); // pod-b reaches pod-a only through it
        open.add(toA);
        Pods.Pod a = open.pod("pod-a", Map.of("server.port", Integer.toString(port), "pod.public_url", "http://" + toA.hostPort()));
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("stall", a, b);

        byte[] bytes = new byte[4 * 1024 * 1024];
        new Random(3).nextBytes(bytes);
        String fileId = a.upload("big.bin", bytes).get("id").asText();
        assertEquals(201, a.http().post("/api/v1/chats/" + s.chats().get(0) + "/messages", Map.of("content", "big",
                "attachments", List.of(fileId)), a.admin()).status());
        Await.until(Duration.ofSeconds(20), "the file listed on pod-b", () -> b.http().get("/api/v1/files/" + fileId, b.admin()).status() == 200);
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        dir = Chaos.tempDir();
        String path = "/pod/v1/files/" + fileId;
        Map<String, Object> whole = Map.of("thumbnail", false);

        PodResult clear = b.federation().client().download("pod-a", path, whole, bytes.length, sha, Duration.ofSeconds(20), dir.resolve("clear"));
        assertInstanceOf(PodResult.Ok.class, clear, clear.toString());
        assertEquals(bytes.length, Files.size(dir.resolve("clear")));

        toA.faults(new TcpProxy.Faults(Duration.ZERO, Duration.ZERO, 64 * 1024, 0)); // 4 MiB would take a minute
        long t0 = System.nanoTime();
        PodResult stalled = b.federation().client().download("pod-a", path, whole, bytes.length, sha, Duration.ofSeconds(2), dir.resolve("stalled"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PodResult.Failed failed = assertInstanceOf(PodResult.Failed.class, stalled, stalled.toString());
        assertEquals(Failure.TIMEOUT, failed.kind(), failed.message());
        assertTrue(ms < 6_000, "cut off after " + ms + " ms; the deadline was 2 s");
        assertTrue(Files.size(dir.resolve("stalled")) < bytes.length, "only part of the file arrived");
    }
}
