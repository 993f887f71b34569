package io.parley.server.app;

import io.parley.server.net.Cidr;
import io.parley.server.outbound.HostPattern;
import io.parley.server.outbound.OutboundSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code [outbound]} section: defaults, lists from the file and the environment, and every problem reported together. */
class OutboundConfigTest {
    @Test
    void defaults() throws Exception {
        OutboundSettings o = ConfigLoader.load(null, Map.of(), Map.of()).outbound();
        assertAll(
                () -> assertEquals(OutboundSettings.DEFAULTS, o),
                () -> assertEquals(List.of(), o.allowedCidrs(), "nothing private is open by default"),
                () -> assertEquals(List.of(), o.pushHosts(), "any push service"),
                () -> assertEquals(Duration.ofSeconds(5), o.connectTimeout()),
                () -> assertEquals(1L << 20, o.maxResponseBytes()));
    }

    @Test
    void readFromTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [outbound]
                allowed_cidrs = ["10.20.0.0/16", "fd00:1234::/32"]
                push_hosts = ["fcm.googleapis.com", "*.notify.windows.com"]
                connect_timeout = "2s"
                read_timeout = "3s"
                request_timeout = "20s"
                max_response_bytes = "256KiB"
                """);
        OutboundSettings o = ConfigLoader.load(file, Map.of(), Map.of()).outbound();
        assertEquals(new OutboundSettings(List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("fd00:1234::/32")),
                List.of(HostPattern.parse("fcm.googleapis.com"), HostPattern.parse("*.notify.windows.com")),
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(20), 256 * 1024), o);
    }

    @Test
    void listsFromTheEnvironmentAreCommaSeparated() throws Exception {
        OutboundSettings o = ConfigLoader.load(null, Map.of(), Map.of("PARLEY_OUTBOUND_ALLOWED_CIDRS", "192.168.5.0/24, 10.0.0.7",
                "PARLEY_OUTBOUND_PUSH_HOSTS", "push.example.com")).outbound();
        assertAll(
                () -> assertEquals(List.of(Cidr.parse("192.168.5.0/24"), Cidr.parse("10.0.0.7/32")), o.allowedCidrs()),
                () -> assertEquals(List.of(HostPattern.parse("push.example.com")), o.pushHosts()));
    }

    @Test
    void everyProblemIsReported() {
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "outbound.allowed_cidrs", "10.0.0.1/8,intranet,fd00::/129",
                "outbound.push_hosts", "https://fcm.googleapis.com/",
                "outbound.connect_timeout", "30s",
                "outbound.request_timeout", "20s",
                "outbound.read_timeout", "soon",
                "outbound.max_response_bytes", "1GiB"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("outbound.allowed_cidrs: '10.0.0.1/8' has bits set past /8 (did you mean 10.0.0.0/8?)"), all),
                () -> assertTrue(all.contains("outbound.allowed_cidrs: 'intranet' is not an IP address or address/prefix"), all),
                () -> assertTrue(all.contains("outbound.allowed_cidrs: 'fd00::/129' has a prefix length outside 0-128"), all),
                () -> assertTrue(all.contains("outbound.push_hosts: 'https://fcm.googleapis.com/' is not a host name, *.domain or IP address"), all),
                () -> assertTrue(all.contains("outbound.connect_timeout must not exceed outbound.request_timeout"), all),
                () -> assertTrue(all.contains("outbound.read_timeout must be a duration"), all),
                () -> assertTrue(all.contains("outbound.max_response_bytes must be at most 64MiB"), all),
                () -> assertEquals(7, e.problems().size(), all));
    }

    @Test
    void unknownKeysInTheSectionAreProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [outbound]
                allow_private = true
                """);
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertEquals(List.of("config file: unknown key outbound.allow_private"), e.problems());
    }
}
