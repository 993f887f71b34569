package io.parley.server.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Parley node in its own JVM, for tests that kill it. Launched as {@code java -cp <test runtime classpath>
 * io.parley.server.app.Main serve ...}: the classpath is this JVM's own ({@code java.class.path}, which Failsafe
 * sets to target/classes + target/test-classes + every dependency), so the test needs no shaded jar. The tests that
 * start these run in the {@code integration-test} phase (Failsafe, the chaos package). Binds port 0 and reads the chosen port from the
 * "Parley is running at" line; the child's output goes to {@code <dataDir>/../server-N.log}.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Parley is running at (https?)://[^:/]+:(\\d+)/");
    private static int launches;

    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private volatile boolean tls;
    private final Path log;

    private final List<String> args;
    private final java.util.Map<String, String> env;
    private final List<String> jvmArgs;
    private final Path dataDir;

    private ServerProcess(List<String> storeArgs, java.util.Map<String, String> env, List<String> jvmArgs, Path dataDir) throws IOException {
        this.args = List.copyOf(storeArgs);
        this.env = java.util.Map.copyOf(env);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.dataDir = dataDir;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "io.parley.server.app.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(storeArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PARLEY_AUTH_ARGON2_MEMORY_KIB", "1024");
        pb.environment().put("PARLEY_AUTH_ARGON2_ITERATIONS", "1");
        pb.environment().put("PARLEY_LOG_LEVEL", "WARN");
        pb.environment().put("PARLEY_LIMITS_MESSAGES_PER_SECOND", "100000"); // load, not limits, is under test
        pb.environment().put("PARLEY_LIMITS_READ_MARKS_PER_SECOND", "100000");
        pb.environment().putAll(env);
        synchronized (ServerProcess.class) {
            log = dataDir.resolveSibling("server-" + (++launches) + ".log");
        }
        process = pb.start();
        Thread.ofPlatform().daemon(true).name("server-output").start(this::pump);
    }

    /** Starts a node and waits until it listens. */
    static ServerProcess start(Path dataDir, List<String> storeArgs, Duration timeout) throws IOException {
        return start(dataDir, storeArgs, java.util.Map.of(), timeout);
    }

    /** Starts a node with extra environment ({@code PARLEY_…} settings) and waits until it listens. */
    static ServerProcess start(Path dataDir, List<String> args, java.util.Map<String, String> env, Duration timeout) throws IOException {
        return start(dataDir, args, env, List.of(), timeout);
    }

    /** Starts a node with extra environment and JVM options (e.g. {@code -Djava.security.properties=…}) and waits until it listens. */
    static ServerProcess start(Path dataDir, List<String> args, java.util.Map<String, String> env, List<String> jvmArgs,
                               Duration timeout) throws IOException {
        ServerProcess p = new ServerProcess(args, env, jvmArgs, dataDir);
        try {
            p.port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.kill();
            throw new AssertionError("Parley did not start within " + timeout + "; its output:\n" + p.output(), e);
        }
        return p;
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                Matcher m = RUNNING.matcher(line);
                if (m.find()) {
                    tls = m.group(1).equals("https");
                    port.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException ignored) {
            // the process died; its exit is what the test looks at
        } finally {
            port.completeExceptionally(new IllegalStateException("the process ended"));
        }
    }

    int port() { return port.join(); }

    /** {@return a new process with this one's data, arguments and environment (after this one stopped)} */
    ServerProcess restart(Duration timeout) throws IOException {
        return start(dataDir, args, env, jvmArgs, timeout);
    }

    boolean alive() { return process.isAlive(); }

    /** {@return http://127.0.0.1:port, or https:// when the node said it serves TLS} */
    String baseUrl() { return (port() > 0 && tls ? "https" : "http") + "://127.0.0.1:" + port(); }

    /** {@return ws://127.0.0.1:port/ws, or wss:// with TLS} */
    String wsUrl() { return (port() > 0 && tls ? "wss" : "ws") + "://127.0.0.1:" + port() + "/ws"; }

    /** Sends a signal by name ({@code HUP}) with kill(1), and waits until kill has delivered it. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new IOException("kill -" + name + " failed: " + out);
    }

    long pid() { return process.pid(); }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. Waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM: the graceful path. */
    void terminate() { process.destroy(); }

    /** {@return the exit code, or null if still running after the timeout} */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
    }
}
