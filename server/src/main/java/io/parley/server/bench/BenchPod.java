package io.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pod for {@code bench pods}: a {@code parley serve} child process of this JVM (same java, same classpath) on
 * its own SQLite data directory, its owner's session, and the REST calls the benchmark makes as that admin.
 * {@link #kill()} is SIGKILL; {@link #start()} again reuses the data directory (a new port).
 */
final class BenchPod implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Parley is running at http://[^:/]+:(\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String id;
    private final Path dataDir;
    private final Map<String, String> env;
    private Process process;
    private volatile int port;
    String token;
    String workspaceId;
    String chatId;

    BenchPod(String id, Path dataDir, Map<String, String> env) {
        this.id = id;
        this.dataDir = dataDir;
        this.env = env;
    }

    /** Starts the process and waits until it listens. */
    void start() throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
        // extra flags for the pods only (a profiler, a JIT setting), e.g. BENCH_POD_JVM_OPTS='-XX:StartFlightRecording=filename=/tmp/pod-%p.jfr'
        String extra = System.getenv().getOrDefault("BENCH_POD_JVM_OPTS", "").strip();
        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.parley.server.app.Main", "serve", "--host", "127.0.0.1",
                "--port", "0", "--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Files.createDirectories(dataDir);
        process = pb.start();
        Process started = process; // a bench stopped by Ctrl-C or a timeout must not leave its pods running
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("bench-pod-stop").unstarted(started::destroyForcibly));
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        Path log = dataDir.resolveSibling(id + ".log");
        Thread.ofPlatform().daemon(true).name("bench-pod-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND), true)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.println(line);
                    Matcher m = RUNNING.matcher(line);
                    if (m.find()) bound.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                bound.completeExceptionally(new IllegalStateException("pod " + id + " ended; see " + log));
            }
        });
        try {
            port = bound.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("pod " + id + " did not start; see " + log, e);
        }
    }

    int port() { return port; }

    String base() { return "http://127.0.0.1:" + port; }

    String ws() { return "ws://127.0.0.1:" + port + "/ws"; }

    /** SIGKILL, and wait until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    JsonNode call(String method, String path, Object body, int expect) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json");
            if (token != null) b.header("Authorization", "Bearer " + token);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (expect > 0 && r.statusCode() != expect) {
                throw new IllegalStateException(id + ": " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(id + ": " + method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** First-run setup: this pod's owner and workspace. */
    void setup() {
        JsonNode r = call("POST", "/api/v1/setup", Map.of("email", "owner@" + id + ".example", "handle", "owner", "displayName", "Owner",
                "password", "correct horse battery", "workspaceName", id), 201);
        token = r.path("accessToken").asText();
        workspaceId = r.path("workspace").path("id").asText();
    }

    String peerState(String peer) {
        for (JsonNode p : call("GET", "/api/v1/admin/pod/peers", null, 200).path("peers")) {
            if (p.path("id").asText().equals(peer)) return p.path("state").asText();
        }
        return "unlinked";
    }

    static String channelPath(String orgChannelId) {
        return "/api/v1/admin/pod/org-channels/" + URLEncoder.encode(orgChannelId, StandardCharsets.UTF_8);
    }

    String digest(String orgChannelId) {
        return call("GET", channelPath(orgChannelId) + "/digest", null, 200).path("digest").asText();
    }

    /** {@return this pod's cursor for a peer on the channel and the channel's last local seq: [cursor, last]} */
    long[] cursor(String orgChannelId, String peer) {
        JsonNode ch = call("GET", channelPath(orgChannelId), null, 200).path("channel");
        for (JsonNode p : ch.path("peers")) {
            if (p.path("pod").asText().equals(peer)) return new long[] {p.path("cursor").asLong(), ch.path("lastSeq").asLong()};
        }
        throw new IllegalStateException(id + " has no peer " + peer + " on " + orgChannelId);
    }

    /** SIGTERM (the pod drains), SIGKILL if it has not exited within 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
}
