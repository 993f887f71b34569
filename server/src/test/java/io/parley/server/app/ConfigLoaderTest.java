package io.parley.server.app;

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

class ConfigLoaderTest {
    @Test
    void defaultsAreTheSingleNodeShape() throws Exception {
        ParleyConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertAll(
                () -> assertEquals("127.0.0.1", c.server().host()),
                () -> assertEquals(8080, c.server().port()),
                () -> assertEquals("sqlite", c.store().kind()),
                () -> assertEquals(Path.of("data"), c.store().dataDir()),
                () -> assertEquals(Duration.ofMinutes(15), c.auth().accessTtl()),
                () -> assertEquals(Duration.ofDays(7), c.auth().refreshTtl()),
                () -> assertEquals(64 * 1024, c.gateway().maxFrameBytes()),
                () -> assertEquals(5, c.gateway().maxConnectionsPerUser()));
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [server]
                port = 9000
                host = "0.0.0.0"
                [gateway]
                idle_timeout = "10m"
                """);
        ParleyConfig c = ConfigLoader.load(file, Map.of("server.port", "9002"),
                Map.of("PARLEY_SERVER_PORT", "9001", "PARLEY_SERVER_HOST", "127.0.0.2"));
        assertEquals(9002, c.server().port());
        assertEquals("127.0.0.2", c.server().host());
        assertEquals(Duration.ofMinutes(10), c.gateway().idleTimeout());
    }

    @Test
    void everyProblemIsReportedTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.toml");
        Files.writeString(file, """
                [server]
                port = 70000
                colour = "blue"
                [nonsense]
                x = 1
                [auth]
                access_ttl = "soon"
                """);
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(file,
                Map.of("store.kind", "postgres", "pod.id", "Not A Pod!"), Map.of("PARLEY_GATEWAY_MAX_FRAME_BYTES", "lots")));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("server.port must be between 0 and 65535"), all),
                () -> assertTrue(all.contains("unknown key server.colour"), all),
                () -> assertTrue(all.contains("unknown section [nonsense]"), all),
                () -> assertTrue(all.contains("auth.access_ttl must be a duration"), all),
                () -> assertTrue(all.contains("store.url must be a jdbc:postgresql:// URL"), all),
                () -> assertTrue(all.contains("pod.id must be"), all),
                () -> assertTrue(all.contains("gateway.max_frame_bytes must be an integer"), all));
        assertEquals(7, e.problems().size(), all);
    }

    @Test
    void trustedProxiesAreAListOfAddressesOrRangesAndNoneByDefault(@TempDir Path dir) throws Exception {
        assertTrue(ConfigLoader.load(null, Map.of(), Map.of()).server().trustedProxies().ranges().isEmpty(), "nobody is trusted");
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [server]
                trusted_proxies = ["10.0.0.0/8", "fd00::/8", "192.0.2.10"]
                """);
        assertEquals("[10.0.0.0/8, fd00:0:0:0:0:0:0:0/8, 192.0.2.10/32]",
                ConfigLoader.load(file, Map.of(), Map.of()).server().trustedProxies().ranges().toString());
        assertEquals(2, ConfigLoader.load(null, Map.of(), Map.of("PARLEY_SERVER_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2"))
                .server().trustedProxies().ranges().size());
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("server.trusted_proxies", "10.0.0.0/33,haproxy.internal"), Map.of()));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("server.trusted_proxies: 'haproxy.internal' is not an IP address or address/prefix"), e.getMessage());
    }

    @Test
    void realtimeTimersAreReadAndValidated(@TempDir Path dir) throws Exception {
        ParleyConfig d = ConfigLoader.load(null, Map.of(), Map.of());
        assertAll(
                () -> assertEquals(Duration.ofSeconds(5), d.realtime().typingExpiry()),
                () -> assertEquals(Duration.ofSeconds(1), d.realtime().typingInterval()),
                () -> assertEquals(Duration.ofSeconds(60), d.realtime().presenceOfflineGrace()),
                () -> assertEquals(Duration.ofMinutes(5), d.realtime().presenceAwayAfter()),
                () -> assertEquals(Duration.ofSeconds(2), d.realtime().presenceBatch()),
                () -> assertEquals(Duration.ofMinutes(10), d.realtime().presenceSubscriptionTtl()),
                () -> assertEquals(Duration.ofSeconds(10), d.realtime().presenceUpdateInterval()),
                () -> assertEquals(100, d.realtime().typingSummaryAbove()));
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [realtime]
                typing_expiry = "3s"
                presence_batch = "250ms"
                """);
        ParleyConfig c = ConfigLoader.load(file, Map.of("realtime.presence_offline_grace", "5s"), Map.of());
        assertAll(
                () -> assertEquals(Duration.ofSeconds(3), c.realtime().typingExpiry()),
                () -> assertEquals(Duration.ofMillis(250), c.realtime().presenceBatch()),
                () -> assertEquals(Duration.ofSeconds(5), c.realtime().presenceOfflineGrace()));
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("realtime.typing_interval", "10s", "realtime.presence_away_after", "0s", "realtime.presence_batch", "never"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("realtime.typing_interval must be shorter than realtime.typing_expiry"), all),
                () -> assertTrue(all.contains("realtime.presence_away_after must be positive"), all),
                () -> assertTrue(all.contains("realtime.presence_batch must be a duration"), all));
        assertEquals(3, e.problems().size(), all);
    }

    @Test
    void podSettingsAreReadFromTheFileAndValidated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [pod]
                id = "pod-a"
                heartbeat_interval = "500ms"
                org_resync_interval = "30s"
                max_resilient_channels = 5
                lease_duration = "20s"
                """);
        ParleyConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertAll(
                () -> assertEquals("pod-a", c.pod().id()),
                () -> assertEquals(Duration.ofMillis(500), c.pod().heartbeatInterval()),
                () -> assertEquals(Duration.ofSeconds(30), c.pod().orgResyncInterval()),
                () -> assertEquals(5, c.pod().maxResilientChannels()),
                () -> assertEquals(Duration.ofSeconds(20), c.pod().leaseDuration()));
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("pod.lease_duration", "3s", "pod.org_resync_interval", "2h"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("pod.lease_duration must be longer than twice pod.max_clock_skew"), all),
                () -> assertTrue(all.contains("pod.org_resync_interval must be between 1s and 1h"), all));
    }

    /** What the config loader's fuzz target found: each was an exception out of load() instead of a problem. */
    @Test
    void valuesNoSettingCanHoldAreProblemsToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, "[\"\\E\"]\nx = 1\n");
        var badFile = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertTrue(badFile.problems().getFirst().contains("Invalid escape sequence"), badFile.problems().toString());
        Files.writeString(file, "a = " + "[".repeat(5000) + "\n");
        var deep = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertTrue(deep.problems().getFirst().contains("nests arrays or inline tables too deeply"), deep.problems().toString());

        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "auth.access_ttl", "99999999999999999999s", "auth.refresh_ttl", "9999999999999999d", "pod.max_clock_skew", "3651d",
                "pod.clock_offset", "-4000d", "store.data_dir", "data\0dir"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("auth.access_ttl must be a duration"), all),
                () -> assertTrue(all.contains("auth.refresh_ttl must be a duration"), all),
                () -> assertTrue(all.contains("pod.max_clock_skew must be at most 3650d"), all),
                () -> assertTrue(all.contains("pod.clock_offset must be at most 3650d"), all),
                () -> assertTrue(all.contains("store.data_dir is not a path this system can use"), all));
        assertEquals(5, e.problems().size(), all);
    }

    @Test
    void theStorePasswordStaysOutOfToString() throws Exception {
        ParleyConfig c = ConfigLoader.load(null, Map.of("store.password", "hunter2"), Map.of());
        assertTrue(!c.store().toString().contains("hunter2"));
        assertTrue(!c.toString().contains("hunter2"));
    }

    @Test
    void limitsAndNotificationTimersAreConfigurationAndValidated() throws Exception {
        ParleyConfig d = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(10, d.limits().messagesPerSecond());
        assertEquals(5, d.limits().readMarksPerSecond());
        assertEquals(3, d.limits().urgentPerHour());
        assertEquals(java.time.Duration.ofMillis(250), d.notifications().badgeInterval());
        ParleyConfig c = ConfigLoader.load(null, Map.of("limits.messages_per_second", "20", "notifications.toast_group_window", "2s"),
                Map.of("PARLEY_LIMITS_URGENT_PER_HOUR", "5"));
        assertEquals(20, c.limits().messagesPerSecond());
        assertEquals(5, c.limits().urgentPerHour());
        assertEquals(20, c.limits().rateLimits().of(io.parley.core.realtime.RateAction.MESSAGE).capacity());
        assertEquals(java.time.Duration.ofSeconds(2), c.notifications().toastGroupWindow());
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("limits.messages_per_second", "0", "limits.urgent_per_hour", "many", "notifications.badge_interval", "soon"), Map.of()));
        assertEquals(3, e.problems().size(), e.getMessage());
    }

    @Test
    void aPodBusIsNatsOverPostgresFromFileEnvironmentOrFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pod.toml");
        Files.writeString(file, """
                [store]
                kind = "postgres"
                url = "jdbc:postgresql://db:5432/parley"
                [bus]
                kind = "nats"
                url = "nats://n1:4222,nats://n2:4222"
                prefix = "acme"
                """);
        ParleyConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertAll(
                () -> assertTrue(c.bus().nats()),
                () -> assertEquals("nats://n1:4222,nats://n2:4222", c.bus().url()),
                () -> assertEquals("acme", c.bus().prefix()));
        ParleyConfig env = ConfigLoader.load(null, Map.of(), Map.of("PARLEY_STORE_KIND", "postgres",
                "PARLEY_STORE_URL", "jdbc:postgresql://db/p", "PARLEY_BUS_KIND", "nats", "PARLEY_BUS_URL", "nats://127.0.0.1:4222"));
        assertEquals("nats://127.0.0.1:4222", env.bus().url());
        assertEquals("parley", env.bus().prefix(), "the default prefix");
        assertEquals("inprocess", ConfigLoader.load(null, Map.of(), Map.of()).bus().kind(), "one node by default");
    }

    @Test
    void aNatsBusNeedsAUrlAndPostgresAndAPlainPrefixAllReportedTogether() {
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null,
                Map.of("bus.kind", "nats", "bus.url", "http://nats:4222", "bus.prefix", "Has Spaces"), Map.of()));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("bus.url must be a nats://"), e.getMessage());
        assertTrue(e.getMessage().contains("needs store.kind = postgres"), e.getMessage());
        assertTrue(e.getMessage().contains("bus.prefix"), e.getMessage());
        var kind = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of("bus.kind", "redis"), Map.of()));
        assertTrue(kind.getMessage().contains("bus.kind must be inprocess or nats"), kind.getMessage());
    }
}
