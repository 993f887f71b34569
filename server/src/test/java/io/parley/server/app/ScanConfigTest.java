package io.parley.server.app;

import io.parley.server.files.ClamdAddress;
import io.parley.server.files.ScanSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The virus scan of uploads ({@code files.scan_*}): off by default, read from the file and environment, every problem reported together. */
class ScanConfigTest {
    @Test
    void offByDefault() throws Exception {
        ScanSettings s = ConfigLoader.load(null, Map.of(), Map.of()).files().scan();
        assertAll(
                () -> assertEquals(ScanSettings.DEFAULTS, s),
                () -> assertFalse(s.on(), "nothing to install for a single node"),
                () -> assertFalse(s.acceptUnscanned(), "once on, a scanner that is down refuses uploads"));
    }

    @Test
    void readFromTheFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [files]
                scan_address = "tcp://clamav.internal:3310"
                scan_timeout = "2m"
                scan_unavailable = "accept"
                """);
        ScanSettings s = ConfigLoader.load(file, Map.of(), Map.of("PARLEY_FILES_SCAN_CONNECT_TIMEOUT", "500ms")).files().scan();
        assertEquals(new ScanSettings(new ClamdAddress.Tcp("clamav.internal", 3310), Duration.ofMillis(500), Duration.ofMinutes(2), true), s);
        assertTrue(s.on());
        assertEquals(new ClamdAddress.Unix(Path.of("/run/clamav/clamd.ctl")), ConfigLoader.load(null,
                Map.of("files.scan_address", "unix:/run/clamav/clamd.ctl"), Map.of()).files().scan().clamd());
    }

    @Test
    void everyProblemIsReported() {
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "files.scan_address", "clamav:3310",
                "files.scan_timeout", "0s",
                "files.scan_connect_timeout", "soon",
                "files.scan_unavailable", "ignore"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("files.scan_address must be tcp://host:port or unix:/path (got 'clamav:3310')"), all),
                () -> assertTrue(all.contains("files.scan_timeout must be positive"), all),
                () -> assertTrue(all.contains("files.scan_connect_timeout must be a duration"), all),
                () -> assertTrue(all.contains("files.scan_unavailable must be refuse or accept (got 'ignore')"), all));
        assertEquals(4, e.problems().size(), all);
        var port = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("files.scan_address", "tcp://clamav:0"), Map.of()));
        assertTrue(port.problems().getFirst().startsWith("files.scan_address must be tcp://host:port with a port of 1 to 65535"), port.problems().toString());
    }
}
