package io.parley.server;

import io.parley.core.auth.PasswordHasher;
import io.parley.server.app.ConfigLoader;
import io.parley.server.app.ParleyConfig;
import io.parley.server.app.ParleyServer;
import io.parley.server.outbound.HostResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A whole Parley node for end-to-end tests: real Netty, real store (a temp SQLite file by default),
 * on an ephemeral port. Argon2 is set cheap so tests that sign in many users stay fast.
 */
public final class TestServer implements AutoCloseable {
    private static final java.time.Clock MILLIS = java.time.Clock.tick(java.time.Clock.systemUTC(), java.time.Duration.ofMillis(1));

    private final ParleyServer server;
    private final Path dataDir;
    private final Map<String, String> overrides;
    private final java.time.Clock clock;
    private final io.parley.core.notify.PushSender push;
    private final ParleyServer.Seams seams;
    private boolean keepData;

    private TestServer(ParleyServer server, Path dataDir, Map<String, String> overrides, java.time.Clock clock,
                       io.parley.core.notify.PushSender push, ParleyServer.Seams seams) {
        this.server = server;
        this.dataDir = dataDir;
        this.overrides = overrides;
        this.clock = clock;
        this.push = push;
        this.seams = seams;
    }

    /** Starts a node on a fresh SQLite store. */
    public static TestServer start() {
        return start(Map.of());
    }

    /** Starts a node with extra configuration ({@code section.key} → value), with its real Web Push. */
    public static TestServer start(Map<String, String> overrides) {
        return start(overrides, MILLIS, null);
    }

    /**
     * Starts a node with extra configuration, its own clock (e.g. a running {@code ManualClock} of core's fixtures) and push transport
     * (a recording fake; null for the real Web Push).
     */
    public static TestServer start(Map<String, String> overrides, java.time.Clock clock, io.parley.core.notify.PushSender push) {
        return start(overrides, clock, push, ParleyServer.Seams.NONE);
    }

    /** Starts a node with extra configuration whose outbound connections look hosts up with {@code resolver} (simulated DNS). */
    public static TestServer start(Map<String, String> overrides, HostResolver resolver) {
        return start(overrides, MILLIS, null, ParleyServer.Seams.NONE.withResolver(resolver));
    }

    /** Starts a node as above whose password hasher is wrapped, inside the bound on concurrent hashing. */
    public static TestServer start(Map<String, String> overrides, java.time.Clock clock, io.parley.core.notify.PushSender push,
                                   UnaryOperator<PasswordHasher> hashers) {
        return start(overrides, clock, push, ParleyServer.Seams.NONE.withHashers(hashers));
    }

    private static TestServer start(Map<String, String> overrides, java.time.Clock clock, io.parley.core.notify.PushSender push,
                                    ParleyServer.Seams seams) {
        try {
            return start(Files.createTempDirectory("parley-test-"), overrides, clock, push, seams);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a new node on the data of a stopped one (a restart); the first keeps its data when closed. */
    public static TestServer restart(TestServer stopped) {
        stopped.keepData = true;
        stopped.server.close();
        return start(stopped.dataDir, stopped.overrides, stopped.clock, stopped.push, stopped.seams);
    }

    /** Stops a node and starts a new one on its data with some settings changed (an operator's edit and restart). */
    public static TestServer restart(TestServer stopped, Map<String, String> changes) {
        stopped.keepData = true;
        stopped.server.close();
        Map<String, String> o = new HashMap<>(stopped.overrides);
        o.putAll(changes);
        return start(stopped.dataDir, o, stopped.clock, stopped.push, stopped.seams);
    }

    /**
     * Stops this node and keeps its data (for {@link #restartOnSamePort}): the page of a browser test
     * stays open meanwhile and sees the server go away.
     */
    public void stop() {
        keepData = true;
        server.close();
    }

    /**
     * Starts a new node on the data and the port of a stopped one, so clients that keep their URL
     * (a browser page) reconnect to it.
     */
    public static TestServer restartOnSamePort(TestServer stopped) {
        stopped.stop();
        Map<String, String> o = new HashMap<>(stopped.overrides);
        o.put("server.port", Integer.toString(stopped.port()));
        TestServer next = start(stopped.dataDir, o, stopped.clock, stopped.push, stopped.seams);
        return new TestServer(next.server, next.dataDir, stopped.overrides, next.clock, next.push, next.seams);
    }

    private static TestServer start(Path dir, Map<String, String> overrides, java.time.Clock clock,
                                    io.parley.core.notify.PushSender push, ParleyServer.Seams seams) {
        try {
            Map<String, String> o = new HashMap<>();
            o.put("server.port", "0");
            o.put("store.data_dir", dir.toString());
            o.put("auth.argon2_memory_kib", "1024");
            o.put("auth.argon2_iterations", "1");
            // Tests that flood on purpose are not about rate limits; those that are set them (NotificationsEndToEndTest).
            o.put("limits.messages_per_second", "100000");
            o.put("limits.read_marks_per_second", "100000");
            o.putAll(overrides);
            ParleyConfig cfg = ConfigLoader.load(null, o, Map.of());
            return new TestServer(new ParleyServer(cfg, clock, push, seams).start(), dir, Map.copyOf(overrides), clock, push, seams);
        } catch (ConfigLoader.InvalidConfig e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@return http://127.0.0.1:port, or https:// when the node serves TLS} */
    public String baseUrl() {
        return (server.tls() ? "https" : "http") + "://127.0.0.1:" + server.address().getPort();
    }

    /** {@return ws://127.0.0.1:port/ws, or wss:// when the node serves TLS} */
    public String wsUrl() {
        return (server.tls() ? "wss" : "ws") + "://127.0.0.1:" + server.address().getPort() + "/ws";
    }

    public int port() {
        return server.address().getPort();
    }

    public ParleyServer server() {
        return server;
    }

    /** {@return the node's data directory} */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.close();
        if (keepData) return;
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
