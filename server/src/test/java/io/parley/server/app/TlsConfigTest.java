package io.parley.server.app;

import io.parley.server.TestTls;
import io.parley.server.tls.ServerCertificate;
import io.parley.server.tls.TlsSettings;
import io.parley.server.tls.TlsVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code [server.tls]} section: off by default, read from the file (a nested table) and the environment, every
 * common PEM form of a key read, and every problem — settings and files alike — reported together at start.
 */
class TlsConfigTest {
    private static final TestTls.Authority ROOT = TestTls.Authority.root("Config Test Root");

    @TempDir
    Path dir;

    @Test
    void offByDefault() throws Exception {
        assertTrue(ConfigLoader.load(null, Map.of(), Map.of()).server().tls().isEmpty());
    }

    @Test
    void readFromTheFileAndTheEnvironment() throws Exception {
        ROOT.issue("EC").write(dir.resolve("cert.pem"), dir.resolve("key.pem"), TestTls.KeyForm.PKCS8);
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [server]
                port = 8443

                [server.tls]
                certificate = "%s"
                private_key = "%s"
                min_version = "1.2"
                hsts_max_age = "1h"
                redirect_port = 8080
                """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        ParleyConfig c = ConfigLoader.load(file, Map.of(), Map.of("PARLEY_SERVER_TLS_RELOAD_INTERVAL", "5s"));
        assertEquals(new TlsSettings(dir.resolve("cert.pem"), dir.resolve("key.pem"), TlsVersion.TLS_1_2, Duration.ofHours(1),
                OptionalInt.of(8080), Duration.ofSeconds(5)), c.server().tls().orElseThrow());

        TlsSettings defaults = ConfigLoader.load(null, Map.of("server.tls.certificate", dir.resolve("cert.pem").toString(),
                "server.tls.private_key", dir.resolve("key.pem").toString()), Map.of()).server().tls().orElseThrow();
        assertAll(
                () -> assertEquals(TlsVersion.TLS_1_3, defaults.minVersion()),
                () -> assertEquals("max-age=31536000", defaults.hstsHeader()),
                () -> assertEquals(OptionalInt.empty(), defaults.redirectPort()),
                () -> assertEquals(Duration.ofSeconds(30), defaults.reloadInterval()),
                () -> assertEquals("max-age=0", ConfigLoader.load(null, Map.of("server.tls.certificate", dir.resolve("cert.pem").toString(),
                        "server.tls.private_key", dir.resolve("key.pem").toString(), "server.tls.hsts_max_age", "0"), Map.of())
                        .server().tls().orElseThrow().hstsHeader(), "0 withdraws HSTS"));
    }

    @Test
    void everyCommonKeyFormAndAChainAreRead() throws Exception {
        TestTls.Authority intermediate = ROOT.intermediate("Config Test Intermediate");
        record Case(String name, String algorithm, TestTls.KeyForm form) {}
        for (Case k : List.of(new Case("PKCS#8 EC", "EC", TestTls.KeyForm.PKCS8), new Case("PKCS#8 RSA", "RSA", TestTls.KeyForm.PKCS8),
                new Case("PKCS#1 RSA", "RSA", TestTls.KeyForm.TRADITIONAL), new Case("SEC1 EC", "EC", TestTls.KeyForm.TRADITIONAL),
                new Case("SEC1 EC after EC PARAMETERS", "EC", TestTls.KeyForm.EC_PARAMETERS_BLOCK))) {
            TestTls.Leaf leaf = intermediate.issue(k.algorithm());
            Path cert = dir.resolve("c.pem");
            Path key = dir.resolve("k.pem");
            leaf.write(cert, key, k.form());
            ServerCertificate read = ServerCertificate.read(cert, key, Instant.now());
            assertEquals(List.of(leaf.certificate(), intermediate.certificate()), read.chain(), k.name());
            assertEquals(k.algorithm(), read.key().getAlgorithm(), k.name());
        }
        // One file holding the certificate and the key is fine too.
        TestTls.Leaf leaf = ROOT.issue("EC");
        leaf.write(dir.resolve("c.pem"), dir.resolve("k.pem"), TestTls.KeyForm.TRADITIONAL);
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(dir.resolve("c.pem")) + Files.readString(dir.resolve("k.pem")));
        assertEquals(leaf.certificate(), ServerCertificate.read(both, both, Instant.now()).leaf());
    }

    @Test
    void everySettingsProblemIsReportedTogether() throws Exception {
        Path file = dir.resolve("parley.toml");
        Files.writeString(file, """
                [server.tls]
                certificate = "%s"
                private_key = "%s"
                min_version = "1.1"
                redirect_port = 8443
                reload_interval = "10ms"
                ciphers = "ALL"
                """.formatted(dir.resolve("missing-cert.pem"), dir.resolve("missing-key.pem")));
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(file,
                Map.of("server.port", "8443", "server.public_url", "http://chat.example.com"), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("unknown key server.tls.ciphers"), all),
                () -> assertTrue(all.contains("server.tls.min_version must be 1.3 or 1.2 (got '1.1')"), all),
                () -> assertTrue(all.contains("server.tls.redirect_port must differ from server.port (both 8443)"), all),
                () -> assertTrue(all.contains("server.tls.reload_interval must be between 100ms and 1d"), all),
                () -> assertTrue(all.contains("server.public_url must be an https:// URL when server.tls is on"), all),
                () -> assertTrue(all.contains("server.tls: certificate file " + dir.resolve("missing-cert.pem") + " does not exist"), all),
                () -> assertTrue(all.contains("server.tls: private key file " + dir.resolve("missing-key.pem") + " does not exist"), all),
                () -> assertEquals(7, e.problems().size(), all));
    }

    @Test
    void aKeyOfAnotherCertificateAnExpiredCertificateAndABadOrderAreReportedTogether() throws Exception {
        TestTls.Authority intermediate = ROOT.intermediate("Config Test Intermediate");
        TestTls.Leaf expired = intermediate.issue("EC", Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestTls.writeCertificates(cert, intermediate.certificate(), List.of(expired.certificate())); // issuer first: wrong
        TestTls.writeKey(key, ROOT.issue("EC").keys(), TestTls.KeyForm.PKCS8);                       // another certificate's key
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "server.tls.certificate", cert.toString(), "server.tls.private_key", key.toString()), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("is out of order: certificate 2 (CN=127.0.0.1) did not issue certificate 1"), all),
                () -> assertTrue(all.contains("the certificate CN=127.0.0.1 expired at"), all),
                () -> assertTrue(all.contains("holds a key that is not the key of the certificate"), all),
                () -> assertEquals(3, e.problems().size(), all));
    }

    @Test
    void unusableFilesAndHalfASectionAreNamed() throws Exception {
        Path notPem = dir.resolve("cert.pem");
        Path encrypted = dir.resolve("key.pem");
        Files.writeString(notPem, "hello\n");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n");
        var e = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "server.tls.certificate", notPem.toString(), "server.tls.private_key", encrypted.toString()), Map.of()));
        String all = String.join("\n", e.problems());
        assertAll(
                () -> assertTrue(all.contains("certificate file " + notPem + " holds no certificate"), all),
                () -> assertTrue(all.contains("holds an encrypted private key; Parley reads unencrypted keys only"), all),
                () -> assertEquals(2, e.problems().size(), all));

        var half = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of(
                "server.tls.certificate", notPem.toString(), "server.tls.redirect_port", "80"), Map.of()));
        assertTrue(half.problems().contains("server.tls.private_key is needed with server.tls.certificate"), half.problems().toString());
        var none = assertThrows(ConfigLoader.InvalidConfig.class, () -> ConfigLoader.load(null, Map.of("server.tls.min_version", "1.2"), Map.of()));
        assertEquals(List.of("server.tls.min_version needs server.tls.certificate and server.tls.private_key"), none.problems());
    }
}
