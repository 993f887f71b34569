package io.parley.server;

import io.parley.server.app.ConfigLoader;
import io.parley.server.app.ParleyConfig;
import io.parley.server.app.ParleyServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A whole Parley node for end-to-end tests: real Netty, real store (a temp SQLite file by default),
 * on an ephemeral port. Argon2 is set cheap so tests that sign in many users stay fast.
 */
public final class TestServer implements AutoCloseable {
    private final ParleyServer server;
    private final Path dataDir;

    private TestServer(ParleyServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** Starts a node on a fresh SQLite store. */
    public static TestServer start() {
        return start(Map.of());
    }

    /** Starts a node with extra configuration ({@code section.key} → value). */
    public static TestServer start(Map<String, String> overrides) {
        return start(overrides, java.time.Clock.tick(java.time.Clock.systemUTC(), java.time.Duration.ofMillis(1)),
                new io.parley.core.notify.NoPushTransport());
    }

    /** Starts a node with extra configuration, its own clock (e.g. a {@link TestClock}) and push transport (a recording fake). */
    public static TestServer start(Map<String, String> overrides, java.time.Clock clock, io.parley.core.notify.PushSender push) {
        try {
            Path dir = Files.createTempDirectory("parley-test-");
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
            return new TestServer(new ParleyServer(cfg, clock, push).start(), dir);
        } catch (IOException | ConfigLoader.InvalidConfig e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + server.address().getPort() + "/ws";
    }

    public int port() {
        return server.address().getPort();
    }

    public ParleyServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
