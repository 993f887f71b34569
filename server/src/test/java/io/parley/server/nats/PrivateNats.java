package io.parley.server.nats;

import io.parley.server.Await;
import io.parley.server.TcpPorts;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A NATS server of a test's own ({@code nats-server -js} on a free port with its own store directory), so the
 * test can stop and restart "the broker" without touching the shared one. Skipped without the binary, unless
 * {@code CI=true}.
 */
public final class PrivateNats implements AutoCloseable {
    private static final Path BINARY = Path.of(System.getenv().getOrDefault("PARLEY_TEST_NATS_SERVER", "/usr/sbin/nats-server"));

    private final int port;
    private final Path dir;
    private Process process;

    private PrivateNats(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one on a free port. */
    public static PrivateNats start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            String reason = "no nats-server at " + BINARY + " (apt-get install nats-server)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + "; CI=true requires it");
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivateNats n = new PrivateNats(port, Files.createTempDirectory("parley-nats-"));
        n.restart();
        return n;
    }

    /** {@return its URL} */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts it (again, on the same port and store) and waits until it accepts connections. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder(BINARY.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port), "-js", "-sd",
                dir.resolve("js").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nats.log").toFile()).start();
        Process p = process;
        try {
            Await.until(Duration.ofSeconds(15), "nats-server to listen", () -> TcpPorts.accepting(port) || !p.isAlive());
        } catch (AssertionError e) {
            throw new IOException("nats-server did not start: " + Files.readString(dir.resolve("nats.log")), e);
        }
        if (!p.isAlive()) throw new IOException("nats-server exited: " + Files.readString(dir.resolve("nats.log")));
    }

    /** Kills it (SIGKILL): an outage, not a goodbye. */
    public synchronized void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
