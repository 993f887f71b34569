package io.parley.server.federation.link;

import io.parley.server.PgTestSchema;
import io.parley.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Two nodes of one scaled-out pod (one PostgreSQL schema) sign as the same pod: the first node makes the key in
 * {@code pod_identity}, the second loads it, and neither writes a key file.
 */
@Timeout(60)
class SharedIdentityPostgresTest {
    @Test
    void twoNodesOnOneDatabaseShareTheKey() {
        try (PgTestSchema schema = PgTestSchema.create()) {
            Map<String, String> cfg = new HashMap<>(schema.serverConfig());
            cfg.put("pod.id", "pod-pg");
            try (TestServer one = TestServer.start(cfg); TestServer two = TestServer.start(cfg)) {
                PodIdentity a = one.server().federation().identity();
                PodIdentity b = two.server().federation().identity();
                assertAll(
                        () -> assertEquals(a.publicKeyText(), b.publicKeyText()),
                        () -> assertEquals("pod-pg", b.id()),
                        () -> assertFalse(Files.exists(one.dataDir().resolve(PodKeyFile.NAME)), "no key file with a shared store"),
                        () -> assertFalse(Files.exists(two.dataDir().resolve(PodKeyFile.NAME))));
                byte[] data = "probe".getBytes();
                assertEquals(true, Ed25519.verify(a.publicKey(), data, b.sign(data)), "node two signs with node one's key");
            }
        }
    }
}
