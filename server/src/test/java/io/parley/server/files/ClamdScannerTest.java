package io.parley.server.files;

import io.parley.core.files.FileScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clamd adapter against a real clamd (see {@link Clamd}): its {@code INSTREAM} verdicts over TCP and a Unix socket,
 * a stream over clamd's {@code StreamMaxLength}, and a clamd that is down or never answers.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClamdScannerTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Clamd clamd;

    @BeforeAll
    void start() throws Exception {
        clamd = Clamd.start("1M");
    }

    @AfterAll
    void stop() throws Exception {
        if (clamd != null) clamd.close();
    }

    private static FileScanner.Verdict scan(String address, byte[] bytes) {
        return scan(address, bytes, TIMEOUT);
    }

    private static FileScanner.Verdict scan(String address, byte[] bytes, Duration timeout) {
        return new ClamdScanner(ClamdAddress.parse(address), CONNECT, timeout).scan(() -> new ByteArrayInputStream(bytes));
    }

    @Test
    void cleanAndInfectedOverTcpAndTheUnixSocket() {
        byte[] clean = "just a note".getBytes(StandardCharsets.UTF_8);
        byte[] prefixed = ("a note, then " + new String(Clamd.eicar(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        for (String address : new String[]{clamd.tcpAddress(), clamd.unixAddress()}) {
            assertAll(address,
                    () -> assertEquals(new FileScanner.Clean(), scan(address, clean)),
                    () -> assertEquals(new FileScanner.Infected(Clamd.EICAR_SIGNATURE), scan(address, Clamd.eicar())),
                    () -> assertEquals(new FileScanner.Infected(Clamd.EICAR_SIGNATURE), scan(address, prefixed), "anywhere in the body"));
        }
    }

    /** Many chunks: the length prefixes and the terminator are right, and a signature at the far end is found. */
    @Test
    void aFileOfManyChunksIsScannedWhole() {
        byte[] big = new byte[900 * 1024];
        new Random(3).nextBytes(big);
        byte[] eicar = Clamd.eicar();
        System.arraycopy(eicar, 0, big, big.length - eicar.length, eicar.length);
        assertEquals(new FileScanner.Infected(Clamd.EICAR_SIGNATURE), scan(clamd.tcpAddress(), big));
    }

    /** clamd answers and closes while the rest is still being sent: the answer is read, not lost to the failed write. */
    @Test
    void aStreamOverStreamMaxLengthIsTooLarge() {
        byte[] big = new byte[8 << 20];
        new Random(5).nextBytes(big);
        for (String address : new String[]{clamd.tcpAddress(), clamd.unixAddress()}) {
            for (int round = 0; round < 3; round++) {
                assertEquals(new FileScanner.TooLarge(), scan(address, big), address + " round " + round);
            }
        }
    }

    @Test
    void aScannerThatIsDownIsUnavailableAtOnce() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        FileScanner.Verdict tcp = scan("tcp://127.0.0.1:" + closed, Clamd.eicar());
        FileScanner.Verdict unix = scan("unix:/nonexistent/clamd.ctl", Clamd.eicar());
        assertAll(
                () -> assertInstanceOf(FileScanner.Unavailable.class, tcp),
                () -> assertInstanceOf(FileScanner.Unavailable.class, unix),
                () -> assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(CONNECT) < 0, "refused, not timed out"));
    }

    /** A socket that accepts and never answers: the scan ends at its timeout, not clamd's (or never). */
    @Test
    void aScannerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            FileScanner.Verdict v = scan("tcp://127.0.0.1:" + silent.getLocalPort(), Clamd.eicar(), Duration.ofMillis(500));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertInstanceOf(FileScanner.Unavailable.class, v);
            assertTrue(((FileScanner.Unavailable) v).reason().contains("did not answer within"), v.toString());
            assertTrue(took.compareTo(Duration.ofMillis(450)) > 0 && took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
        }
    }

    @Test
    void pingSaysWhetherClamdIsThere() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertAll(
                () -> assertEquals(java.util.Optional.empty(), new ClamdScanner(ClamdAddress.parse(clamd.tcpAddress()), CONNECT, TIMEOUT).ping()),
                () -> assertEquals(java.util.Optional.empty(), new ClamdScanner(ClamdAddress.parse(clamd.unixAddress()), CONNECT, TIMEOUT).ping()),
                () -> assertTrue(new ClamdScanner(ClamdAddress.parse("tcp://127.0.0.1:" + closed), CONNECT, TIMEOUT).ping().isPresent()));
    }

    @Test
    void answersAreReadAsClamdWritesThem() {
        assertAll(
                () -> assertEquals(new FileScanner.Clean(), ClamdScanner.verdict("stream: OK")),
                () -> assertEquals(new FileScanner.Infected("Win.Test.EICAR_HDB-1"), ClamdScanner.verdict("stream: Win.Test.EICAR_HDB-1 FOUND")),
                () -> assertEquals(new FileScanner.TooLarge(), ClamdScanner.verdict("INSTREAM size limit exceeded. ERROR")),
                () -> assertInstanceOf(FileScanner.Unavailable.class, ClamdScanner.verdict("stream: Can't allocate memory ERROR")),
                () -> assertInstanceOf(FileScanner.Unavailable.class, ClamdScanner.verdict("")));
    }

    @Test
    void addressesAreTcpOrUnix() {
        assertAll(
                () -> assertEquals(new ClamdAddress.Tcp("clamav", 3310), ClamdAddress.parse("tcp://clamav:3310")),
                () -> assertEquals(new ClamdAddress.Tcp("::1", 3310), ClamdAddress.parse("tcp://[::1]:3310")),
                () -> assertEquals(new ClamdAddress.Unix(java.nio.file.Path.of("/run/clamav/clamd.ctl")),
                        ClamdAddress.parse("unix:/run/clamav/clamd.ctl")),
                () -> assertEquals(new ClamdAddress.Unix(java.nio.file.Path.of("/run/clamav/clamd.ctl")),
                        ClamdAddress.parse("unix:///run/clamav/clamd.ctl")),
                () -> assertThrows(IllegalArgumentException.class, () -> ClamdAddress.parse("tcp://clamav")),
                () -> assertThrows(IllegalArgumentException.class, () -> ClamdAddress.parse("tcp://clamav:99999")),
                () -> assertThrows(IllegalArgumentException.class, () -> ClamdAddress.parse("tcp://clamav:3310/x")),
                () -> assertThrows(IllegalArgumentException.class, () -> ClamdAddress.parse("unix:relative.sock")),
                () -> assertThrows(IllegalArgumentException.class, () -> ClamdAddress.parse("clamav:3310")));
    }
}
