package io.parley.server.app;

import io.parley.core.auth.ThrottleSettings;
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

/** The {@code [auth]} section's backoff and hashing bound: defaults, the file and environment, every problem together. */
class AuthConfigTest {
    @Test
    void defaults() throws Exception {
        ParleyConfig.Auth a = ConfigLoader.load(null, Map.of(), Map.of()).auth();
        assertAll(
                () -> assertEquals(ThrottleSettings.DEFAULTS, a.throttle()),
                () -> assertEquals(new ThrottleSettings(5, 20, 100, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(1)),
                        a.throttle()),
                () -> assertEquals(0, a.hashingConcurrency()),
                () -> assertEquals(Runtime.getRuntime().availableProcessors(), a.hashingPermits(), "0: one per core"),
                () -> assertEquals(Duration.ofSeconds(1), a.hashingWait()));
    }

    @Test
    void readFromTheFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [auth]
                throttle_free_failures = 3
                throttle_account_free_failures = 10
                throttle_address_free_failures = 50
                throttle_base_delay = "2s"
                throttle_max_delay = "5m"
                hashing_concurrency = 4
                """);
        ParleyConfig.Auth a = ConfigLoader.load(file, Map.of(), Map.of("PARLEY_AUTH_THROTTLE_FORGET_AFTER", "6h",
                "PARLEY_AUTH_HASHING_WAIT", "500ms")).auth();
        assertAll(
                () -> assertEquals(new ThrottleSettings(3, 10, 50, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofHours(6)),
                        a.throttle()),
                () -> assertEquals(4, a.hashingPermits()),
                () -> assertEquals(Duration.ofMillis(500), a.hashingWait()));
    }

    @Test
    void everyProblemIsReported() {
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "auth.throttle_free_failures", "10",
                "auth.throttle_account_free_failures", "5",
                "auth.throttle_base_delay", "1m",
                "auth.throttle_max_delay", "30s",
                "auth.throttle_forget_after", "20s",
                "auth.hashing_concurrency", "-1",
                "auth.hashing_wait", "2m"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("auth.throttle_account_free_failures must be at least auth.throttle_free_failures"), all),
                () -> assertTrue(all.contains("auth.throttle_max_delay must be at least auth.throttle_base_delay"), all),
                () -> assertTrue(all.contains("auth.throttle_forget_after must be longer than auth.throttle_max_delay"), all),
                () -> assertTrue(all.contains("auth.hashing_concurrency must be between 0 and 1024"), all),
                () -> assertTrue(all.contains("auth.hashing_wait must be at most 30s"), all),
                () -> assertEquals(5, e.problems().size(), all));
    }
}
