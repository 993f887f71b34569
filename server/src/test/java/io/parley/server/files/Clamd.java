package io.parley.server.files;

import io.parley.server.Await;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A clamd of a test's own: Debian's {@code /usr/sbin/clamd} (package {@code clamav-daemon}) in the foreground on a free
 * TCP port of 127.0.0.1 and a Unix socket in its temp directory, with a signature database the test writes: the EICAR
 * test string as a body signature, and the MD5 of any further files the test names as infected. Nothing is downloaded
 * (no freshclam). No {@code User} option: clamd stays the user who runs the tests, who owns the database it reads.
 * Started and answering {@code PING} in well under a second with this database. Skipped without the binary, unless
 * {@code CI=true} ({@code .ci/run} installs it).
 */
final class Clamd implements AutoCloseable {
    private static final Path BINARY = Path.of(System.getenv().getOrDefault("PARLEY_TEST_CLAMD", "/usr/sbin/clamd"));
    /** The name clamd reports for the EICAR signature (it marks signatures of unofficial databases so). */
    static final String EICAR_SIGNATURE = "Parley.Test.EICAR.UNOFFICIAL";
    /** The name clamd reports for the files named infected by their MD5. */
    static final String FILE_SIGNATURE = "Parley.Test.File.UNOFFICIAL";

    private final Path dir;
    private final int port;
    private Process process;

    private Clamd(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /**
     * The EICAR anti-virus test file: harmless, and detected as a virus by design. Put together here so that this
     * source file itself is not what a scanner of the repository flags.
     */
    static byte[] eicar() {
        String head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
        String tail = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        return (head + tail).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Starts one.
     *
     * @param streamMaxLength clamd's {@code StreamMaxLength} (e.g. {@code 1M}): a stream over it is not scanned
     * @param alsoInfected files clamd is to report as {@link #FILE_SIGNATURE}
     */
    static Clamd start(String streamMaxLength, byte[]... alsoInfected) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            String reason = "no clamd at " + BINARY + " (apt-get install clamav-daemon)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + "; CI=true requires it");
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        Path dir = Files.createTempDirectory("parley-clamd-");
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("parley.ndb"), "Parley.Test.EICAR:0:*:" + HexFormat.of().formatHex(eicar()) + "\n");
        StringBuilder hashes = new StringBuilder();
        for (byte[] f : alsoInfected) hashes.append(md5(f)).append(':').append(f.length).append(":Parley.Test.File\n");
        if (!hashes.isEmpty()) Files.writeString(db.resolve("parley.hdb"), hashes);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n",
                "Foreground yes",
                "TCPSocket " + port,
                "TCPAddr 127.0.0.1",
                "LocalSocket " + dir.resolve("clamd.sock"),
                "DatabaseDirectory " + db,
                "TemporaryDirectory " + dir,
                "StreamMaxLength " + streamMaxLength,
                "LogFile " + dir.resolve("clamd.log"),
                "MaxThreads 4",
                ""));
        Clamd c = new Clamd(dir, port);
        c.restart();
        return c;
    }

    /** {@return {@code files.scan_address} for its TCP socket} */
    String tcpAddress() {
        return "tcp://127.0.0.1:" + port;
    }

    /** {@return {@code files.scan_address} for its Unix socket} */
    String unixAddress() {
        return "unix:" + dir.resolve("clamd.sock");
    }

    /** Starts it (again, on the same port and socket) and waits until it answers {@code PING} with {@code PONG}. */
    synchronized void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("clamd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
        Process p = process;
        try {
            Await.until(Duration.ofSeconds(30), "clamd to answer PING", () -> pong() || !p.isAlive());
        } catch (AssertionError e) {
            throw new IOException("clamd did not start: " + Files.readString(dir.resolve("clamd.out")), e);
        }
        if (!p.isAlive()) throw new IOException("clamd exited: " + Files.readString(dir.resolve("clamd.out")));
    }

    private boolean pong() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("PONG\0");
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops it (SIGTERM) and waits until it is gone: connections to it are refused until {@link #restart}. */
    synchronized void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
