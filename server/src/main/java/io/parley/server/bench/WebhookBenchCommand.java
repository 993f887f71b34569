package io.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code parley bench webhooks}: posts/s through incoming webhooks of a running Parley, closed loop over real
 * HTTP with an Alertmanager-shaped payload. The server under test needs {@code limits.webhook_posts_per_second}
 * raised, or this measures the limit.
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Measure incoming-webhook posts/s and latency against a running Parley (closed loop).")
public final class WebhookBenchCommand implements java.util.concurrent.Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYLOAD = "{\"username\":\"Alertmanager\",\"attachments\":[{\"title\":\"[FIRING:1] HighLatency (api)\","
            + "\"title_link\":\"http://alertmanager.example:9093/#/alerts\",\"text\":\"p99 over 250 ms on *api-1*\",\"color\":\"danger\","
            + "\"fields\":[{\"title\":\"severity\",\"value\":\"page\",\"short\":true}],\"mrkdwn_in\":[\"text\"]}]}";

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--owner-email", defaultValue = BenchConfig.DEFAULT_OWNER_EMAIL, description = "Owner to bootstrap or sign in as.")
    String ownerEmail;

    @Option(names = "--owner-password", defaultValue = BenchConfig.DEFAULT_OWNER_PASSWORD, description = "The owner's password.")
    String ownerPassword;

    @Option(names = "--hooks", defaultValue = "8", description = "Webhooks, each in its own channel (default ${DEFAULT-VALUE}).")
    int hooks;

    @Option(names = "--concurrency", defaultValue = "32", description = "Posts in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--duration", defaultValue = "20s", description = "Measured window (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", description = "Posting before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String run = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36);
        String token;
        String ws;
        if (call(base, "GET", "/api/v1/setup", null, null).path("open").asBoolean(false)) {
            JsonNode s = call(base, "POST", "/api/v1/setup", null, Map.of("email", ownerEmail, "handle", "benchowner",
                    "displayName", "Bench Owner", "password", ownerPassword, "workspaceName", "Hooks " + run));
            token = s.path("accessToken").asText();
            ws = s.path("workspace").path("id").asText();
        } else {
            token = call(base, "POST", "/api/v1/auth/login", null, Map.of("email", ownerEmail, "password", ownerPassword)).path("accessToken").asText();
            ws = call(base, "POST", "/api/v1/workspaces", token, Map.of("name", "Hooks " + run)).path("workspace").path("id").asText();
        }
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < hooks; i++) {
            String chat = call(base, "POST", "/api/v1/workspaces/" + ws + "/channels", token, Map.of("name", "hooks-" + run + "-" + i))
                    .path("chat").path("id").asText();
            urls.add(URI.create(call(base, "POST", "/api/v1/chats/" + chat + "/webhooks", token, Map.of("name", "bench " + i))
                    .path("webhook").path("url").asText()));
        }
        Recorder latency = new Recorder(60_000_000L, 3);
        LongAdder ok = new LongAdder();
        Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
        long warmEnd = System.nanoTime() + BenchCommand.duration(warmup).toNanos();
        long end = warmEnd + BenchCommand.duration(duration).toNanos();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                URI target = urls.get(w % urls.size());
                ex.submit(() -> {
                    HttpRequest req = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).timeout(Duration.ofSeconds(30)).build();
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - now;
                        if (now < warmEnd) continue;
                        if (r.statusCode() == 200) {
                            ok.increment();
                            latency.recordValue(took / 1_000);
                        } else {
                            refused.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = BenchCommand.duration(duration).toNanos() / 1e9;
        var h = latency.getIntervalHistogram();
        System.out.printf(Locale.ROOT, "webhook posts: %,d in %.0f s = %,.0f posts/s (%d hooks, %d in flight)%n", ok.sum(), seconds,
                ok.sum() / seconds, hooks, concurrency);
        System.out.printf(Locale.ROOT, "post→ok latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
        if (!refused.isEmpty()) System.out.println("refused: " + refused);
        return refused.isEmpty() ? 0 : 1;
    }

    private JsonNode call(String base, String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
