package io.parley.server.chaos;

import io.parley.server.Await;
import io.parley.server.TcpPorts;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * HAProxy from the distribution, run with the pod's documented configuration ({@code deploy/haproxy.cfg}) with
 * the test's own bind port and nodes. Skipped without the binary, unless {@code CI=true} ({@code .ci/run}
 * installs it).
 */
final class Haproxy implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/haproxy");
    private final Process process;
    private final int port;
    private final Path dir;

    private Haproxy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static Haproxy start(List<Integer> nodePorts) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            String reason = "no haproxy at " + BINARY + " (apt-get install haproxy)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + "; CI=true requires it");
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        Path documented = locate("deploy/haproxy.cfg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int n = 0;
        StringBuilder servers = new StringBuilder();
        for (int p : nodePorts) servers.append("    server node").append(++n).append(" 127.0.0.1:").append(p).append(" check\n");
        String cfg = Files.readAllLines(documented).stream()
                .filter(l -> !l.strip().startsWith("server "))
                .map(l -> l.strip().startsWith("bind ") ? "    bind 127.0.0.1:" + port : l)
                .collect(Collectors.joining("\n", "", "\n")) + servers;
        Path dir = Chaos.tempDir();
        Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        Process p = new ProcessBuilder(BINARY.toString(), "-f", dir.resolve("haproxy.cfg").toString(), "-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        try {
            Await.until(Duration.ofSeconds(10), "haproxy to listen", () -> TcpPorts.accepting(port) || !p.isAlive());
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw new IOException("haproxy did not start: " + Files.readString(dir.resolve("haproxy.log")), e);
        }
        if (!p.isAlive()) throw new IOException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
        return new Haproxy(p, port, dir);
    }

    /** {@return the repository file, looked up from the module or the checkout root} */
    private static Path locate(String relative) {
        for (Path p : List.of(Path.of(relative), Path.of("..").resolve(relative))) if (Files.isRegularFile(p)) return p;
        throw new IllegalStateException("cannot find " + relative);
    }

    String wsUrl() { return "ws://127.0.0.1:" + port + "/ws"; }

    String baseUrl() { return "http://127.0.0.1:" + port; }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        Chaos.deleteTree(dir);
    }
}
