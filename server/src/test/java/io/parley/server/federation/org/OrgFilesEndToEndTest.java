package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PodResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attachments of org-shared channels stay on their origin pod: a file posted on A is listed on B as a remote file
 * (metadata only) and downloaded by B's members through B, which fetches it from A with a signed request; B's
 * non-members are refused; after the message is deleted it is gone on both pods; a member pod that has not mapped the
 * channel is refused by the origin.
 */
@Timeout(120)
class OrgFilesEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Pods.Open open = new Pods.Open();

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private static HttpResponse<byte[]> get(Pods.Pod p, String path, String token) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(p.server().baseUrl() + path)).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFileStaysOnItsOriginAndIsFetchedForMembersOnly() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.Pod c = open.pod("pod-c");
        Pods.link(a, b);
        Pods.link(a, c);
        // C is a member of the org but maps nothing: it is offered the channel only.
        Orgs3.Shared s = Orgs3.share("plans", a, b);
        Http.Res addC = a.http().post("/api/v1/admin/pod/orgs/" + s.orgId() + "/members", Map.of("pod", "pod-c"), a.admin());
        assertEquals(200, addC.status(), addC.raw());
        UUID chatA = s.chats().get(0), chatB = s.chats().get(1);
        var bob = b.team().add("bob"); // on B, in the workspace, not in the channel

        byte[] bytes = ("<html><script>alert(1)</script> the plan, " + UUID.randomUUID() + "</html>").getBytes(StandardCharsets.UTF_8);
        String fileId = a.upload("plan.html", bytes).get("id").asText();
        Http.Res posted = a.http().post("/api/v1/chats/" + chatA + "/messages", Map.of("content", "see the plan",
                "attachments", List.of(fileId)), a.admin());
        assertEquals(201, posted.status(), posted.raw());
        String messageId = posted.body().get("message").get("id").asText();

        // B lists it on the message and as a file of its chat: metadata only, named by its origin.
        Await.until(WAIT, "the message with its file on B", () -> {
            Http.Res r = b.http().get("/api/v1/messages/" + messageId, b.admin());
            return r.status() == 200 && r.body().get("message").path("attachments").size() == 1;
        });
        JsonNode att = b.http().get("/api/v1/messages/" + messageId, b.admin()).body().get("message").get("attachments").get(0);
        JsonNode meta = b.http().get("/api/v1/files/" + fileId, b.admin()).body().get("file");
        assertAll(
                () -> assertEquals(fileId, att.get("id").asText()),
                () -> assertEquals("plan.html", att.get("name").asText()),
                () -> assertEquals(bytes.length, att.get("size").asLong()),
                () -> assertEquals("pod-a", meta.get("originPod").asText()),
                () -> assertEquals(chatB.toString(), meta.get("chatId").asText()));

        // A member on B downloads it through B (the normal URL and the remote one), with the inert headers of local files.
        for (String path : List.of("/api/v1/files/" + fileId + "/content", "/api/v1/files/remote/pod-a/" + fileId)) {
            HttpResponse<byte[]> d = get(b, path, b.admin());
            assertEquals(200, d.statusCode(), path);
            assertArrayEquals(bytes, d.body(), path);
            assertAll(
                    () -> assertEquals("application/octet-stream", d.headers().firstValue("content-type").orElse(""), "html is not served as html"),
                    () -> assertTrue(d.headers().firstValue("content-disposition").orElse("").startsWith("attachment;")),
                    () -> assertTrue(d.headers().firstValue("content-security-policy").orElse("").contains("sandbox")));
        }
        // Not a member of B's channel: refused.
        assertEquals(403, get(b, "/api/v1/files/remote/pod-a/" + fileId, bob.accessToken()).statusCode());
        assertEquals(404, get(b, "/api/v1/files/" + fileId + "/content", bob.accessToken()).statusCode());
        assertEquals(404, get(b, "/api/v1/files/remote/pod-c/" + fileId, b.admin()).statusCode(), "the origin must match");

        // C is in the org but does not map the channel: the origin refuses it the bytes.
        PodResult fromC = c.federation().client().send("pod-a", OrgWire.filePath(UUID.fromString(fileId)), new OrgWire.FileFetch(false));
        PodResult.Failed refused = assertInstanceOf(PodResult.Failed.class, fromC);
        assertEquals(403, refused.status(), refused.message());
        // ... and so does any pod asking for a local-only file of A.
        String localId = a.upload("local.txt", "local only".getBytes(StandardCharsets.UTF_8)).get("id").asText();
        assertEquals(201, a.http().post("/api/v1/chats/" + a.team().general + "/messages", Map.of("content", "local",
                "attachments", List.of(localId)), a.admin()).status());
        PodResult local = b.federation().client().send("pod-a", OrgWire.filePath(UUID.fromString(localId)), new OrgWire.FileFetch(false));
        assertEquals(404, assertInstanceOf(PodResult.Failed.class, local).status());

        // An image's thumbnail comes from the origin too.
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(800, 400, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", png);
        String imgId = a.upload("pic.png", png.toByteArray()).get("id").asText();
        assertEquals(201, a.http().post("/api/v1/chats/" + chatA + "/messages", Map.of("content", "a picture",
                "attachments", List.of(imgId)), a.admin()).status());
        Await.until(WAIT, "the picture on B", () -> b.http().get("/api/v1/files/" + imgId, b.admin()).status() == 200);
        HttpResponse<byte[]> thumbOnA = get(a, "/api/v1/files/" + imgId + "/thumbnail", a.admin());
        HttpResponse<byte[]> thumbOnB = get(b, "/api/v1/files/" + imgId + "/thumbnail", b.admin());
        assertEquals(200, thumbOnB.statusCode());
        assertArrayEquals(thumbOnA.body(), thumbOnB.body());
        HttpResponse<byte[]> imgOnB = get(b, "/api/v1/files/" + imgId + "/content", b.admin());
        assertEquals("image/png", imgOnB.headers().firstValue("content-type").orElse(""), "the origin's sniffed type");
        assertTrue(imgOnB.headers().firstValue("content-disposition").orElse("").startsWith("inline;"));

        // Deleted on A: gone there, and on B once the delete arrived.
        assertEquals(204, a.http().delete("/api/v1/messages/" + messageId, a.admin()).status());
        assertEquals(404, get(a, "/api/v1/files/" + fileId + "/content", a.admin()).statusCode());
        PodResult afterDelete = b.federation().client().send("pod-a", OrgWire.filePath(UUID.fromString(fileId)), new OrgWire.FileFetch(false));
        assertEquals(404, assertInstanceOf(PodResult.Failed.class, afterDelete).status(), "the origin serves it only while the message exists");
        Await.until(WAIT, "the file gone on B", () -> get(b, "/api/v1/files/" + fileId + "/content", b.admin()).statusCode() == 404);
        assertEquals(404, get(b, "/api/v1/files/remote/pod-a/" + fileId, b.admin()).statusCode());
    }

    /**
     * A file of several megabytes reaches B's member whole, through the streamed path (origin blob → signed reply →
     * B's spool file → the reader); bytes that do not match what the origin announced (its blob damaged on disk) are
     * refused with 502 peer_unreachable before any of them reaches the reader, and B keeps no spool file of either.
     */
    @Test
    void aLargeFileStreamsThroughAndDamagedBytesAreRefused() throws Exception {
        Pods.Pod a = open.pod("pod-a");
        Pods.Pod b = open.pod("pod-b");
        Pods.link(a, b);
        Orgs3.Shared s = Orgs3.share("big", a, b);
        UUID chatA = s.chats().get(0);
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<java.nio.file.Path> spoolsBefore = spools(tmp);

        byte[] bytes = new byte[6 * 1024 * 1024 + 123];
        new java.util.Random(7).nextBytes(bytes);
        String fileId = a.upload("archive.bin", bytes).get("id").asText();
        assertEquals(201, a.http().post("/api/v1/chats/" + chatA + "/messages", Map.of("content", "the archive",
                "attachments", List.of(fileId)), a.admin()).status());
        Await.until(WAIT, "the file listed on B", () -> b.http().get("/api/v1/files/" + fileId, b.admin()).status() == 200);

        HttpResponse<byte[]> d = get(b, "/api/v1/files/" + fileId + "/content", b.admin());
        assertEquals(200, d.statusCode());
        assertEquals(bytes.length, d.body().length);
        assertArrayEquals(bytes, d.body(), "every byte, in order");

        // Damage the blob on A's disk (same length): A still announces the digest it stored, B finds other bytes.
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        java.nio.file.Path blob;
        try (var found = java.nio.file.Files.walk(a.server().dataDir())) {
            blob = found.filter(p -> p.getFileName().toString().equals(sha)).findFirst().orElseThrow();
        }
        byte[] damaged = bytes.clone();
        damaged[damaged.length / 2] ^= 0x55;
        java.nio.file.Files.write(blob, damaged);
        HttpResponse<byte[]> refused = get(b, "/api/v1/files/" + fileId + "/content", b.admin());
        assertEquals(502, refused.statusCode());
        assertEquals("peer_unreachable", Http.JSON.readTree(refused.body()).get("error").get("code").asText());
        assertEquals(spoolsBefore, spools(tmp), "no spool file is left behind, served or refused");
    }

    private static java.util.Set<java.nio.file.Path> spools(java.nio.file.Path tmp) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("parley-remote-")).collect(java.util.stream.Collectors.toSet());
        }
    }
}
