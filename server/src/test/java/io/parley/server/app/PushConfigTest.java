package io.parley.server.app;

import io.parley.server.push.PushSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code [push]} section: defaults, the file, and every problem reported together. */
class PushConfigTest {
    @Test
    void defaults() throws Exception {
        assertEquals(PushSettings.DEFAULTS, ConfigLoader.load(null, Map.of(), Map.of()).push());
    }

    @Test
    void theSubjectDefaultsToAnHttpsPublicUrl() throws Exception {
        assertEquals("https://chat.example.com", ConfigLoader.load(null, Map.of("server.public_url", "https://chat.example.com"),
                Map.of()).push().subject());
        assertEquals(PushSettings.DEFAULTS.subject(), ConfigLoader.load(null, Map.of("server.public_url", "http://10.0.0.1:8080"),
                Map.of()).push().subject());
    }

    @Test
    void readFromTheFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [push]
                subject = "mailto:ops@example.com"
                ttl = "12h"
                urgent_ttl = "30m"
                max_attempts = 5
                retry_base = "2s"
                retry_max = "10m"
                """);
        PushSettings p = ConfigLoader.load(file, Map.of(), Map.of("PARLEY_PUSH_ALLOW_INSECURE_ENDPOINTS", "true")).push();
        assertEquals(new PushSettings("mailto:ops@example.com", Duration.ofHours(12), Duration.ofMinutes(30), 5,
                Duration.ofSeconds(2), Duration.ofMinutes(10), true), p);
    }

    @Test
    void everyProblemIsReported() {
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "push.subject", "ops@example.com",
                "push.ttl", "40d",
                "push.max_attempts", "0",
                "push.retry_base", "2h",
                "push.allow_insecure_endpoints", "yes"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("push.subject must be a mailto: address or an https: URL"), all),
                () -> assertTrue(all.contains("push.ttl must be at most 28d"), all),
                () -> assertTrue(all.contains("push.max_attempts must be between 1 and 100"), all),
                () -> assertTrue(all.contains("push.retry_base must not exceed push.retry_max"), all),
                () -> assertTrue(all.contains("push.allow_insecure_endpoints must be true or false"), all),
                () -> assertEquals(5, e.problems().size(), all));
    }
}
