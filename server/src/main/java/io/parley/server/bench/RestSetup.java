package io.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Prepares a run over the REST API: an owner (bootstrapped if setup is open, else signed in), a
 * workspace, N users registered by invite, and the chats of the scenario.
 */
final class RestSetup {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered bench user. */
    record User(int index, String id, String token) {}

    /** A chat, its members and which of them send (indexes into the user list). */
    record ChatPlan(String id, List<Integer> members, List<Integer> senders) {}

    /** Everything the run needs. */
    record Plan(String workspaceId, List<User> users, List<ChatPlan> chats) {}

    /** Thrown when the server refuses a setup step. */
    static final class SetupFailed extends RuntimeException {
        SetupFailed(String message) {
            super(message);
        }
    }

    private final BenchConfig cfg;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream log;

    RestSetup(BenchConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.base = cfg.url().endsWith("/") ? cfg.url().substring(0, cfg.url().length() - 1) : cfg.url();
        this.log = log;
    }

    Plan prepare() throws InterruptedException {
        String run = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36); // ≤ 6 base-36 chars
        String ownerToken;
        String wsId;
        if (call("GET", "/api/v1/setup", null, null).path("open").asBoolean(false)) {
            JsonNode s = call("POST", "/api/v1/setup", null, Map.of("email", cfg.ownerEmail(), "handle", "benchowner",
                    "displayName", "Bench Owner", "password", cfg.ownerPassword(), "workspaceName", "Bench " + run));
            ownerToken = s.path("accessToken").asText();
            wsId = s.path("workspace").path("id").asText();
            log.println("setup was open: bootstrapped owner " + cfg.ownerEmail());
        } else {
            JsonNode s = call("POST", "/api/v1/auth/login", null, Map.of("email", cfg.ownerEmail(), "password", cfg.ownerPassword()));
            ownerToken = s.path("accessToken").asText();
            wsId = call("POST", "/api/v1/workspaces", ownerToken, Map.of("name", "Bench " + run)).path("workspace").path("id").asText();
            log.println("signed in as " + cfg.ownerEmail() + "; new workspace for this run");
        }

        int n = cfg.users();
        long t0 = System.nanoTime();
        List<User> users = register(ownerToken, wsId, run, n);
        log.printf("registered %d users in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

        List<ChatPlan> chats = new ArrayList<>();
        switch (cfg.scenario()) {
            case DMS -> {
                List<Future<ChatPlan>> fs = new ArrayList<>();
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    Semaphore gate = new Semaphore(cfg.registerConcurrency());
                    for (int d = 0; d < cfg.dms(); d++) {
                        int a = 2 * d, b = 2 * d + 1;
                        fs.add(ex.submit(() -> {
                            gate.acquire();
                            try {
                                String id = call("POST", "/api/v1/workspaces/" + wsId + "/dms", users.get(a).token(),
                                        Map.of("userIds", List.of(users.get(b).id()))).path("chat").path("id").asText();
                                return new ChatPlan(id, List.of(a, b), List.of(a, b));
                            } finally {
                                gate.release();
                            }
                        }));
                    }
                }
                for (Future<ChatPlan> f : fs) chats.add(get(f));
            }
            case CHANNELS, FANOUT -> {
                int count = cfg.scenario() == BenchConfig.Scenario.FANOUT ? 1 : cfg.channels();
                for (int c = 0; c < count; c++) {
                    String id = call("POST", "/api/v1/workspaces/" + wsId + "/channels", ownerToken,
                            Map.of("name", "bench-" + run + "-" + c)).path("chat").path("id").asText();
                    List<Integer> members = new ArrayList<>();
                    for (int j = 0; j < cfg.members(); j++) members.add(c * cfg.members() + j);
                    for (int from = 0; from < members.size(); from += 500) {
                        List<String> ids = members.subList(from, Math.min(members.size(), from + 500)).stream()
                                .map(i -> users.get(i).id()).toList();
                        call("POST", "/api/v1/chats/" + id + "/members", ownerToken, Map.of("userIds", ids));
                    }
                    chats.add(new ChatPlan(id, members, members.subList(0, Math.min(cfg.sendersPerChat(), members.size()))));
                }
            }
        }
        return new Plan(wsId, users, chats);
    }

    private List<User> register(String ownerToken, String wsId, String run, int n) throws InterruptedException {
        List<Future<User>> fs = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore gate = new Semaphore(cfg.registerConcurrency());
            for (int from = 0; from < n; from += 10_000) {
                int uses = Math.min(10_000, n - from);
                String code = call("POST", "/api/v1/workspaces/" + wsId + "/invites", ownerToken,
                        Map.of("role", "member", "maxUses", uses, "expiresInSeconds", 3600)).path("invite").path("code").asText();
                for (int i = from; i < from + uses; i++) {
                    int idx = i;
                    fs.add(ex.submit(() -> {
                        gate.acquire();
                        try {
                            String handle = "b" + run + "u" + idx;
                            JsonNode s = call("POST", "/api/v1/auth/register", null, Map.of("inviteCode", code,
                                    "email", handle + "@bench.test", "handle", handle, "displayName", "Bench " + idx,
                                    "password", "bench-password-" + idx));
                            return new User(idx, s.path("user").path("id").asText(), s.path("accessToken").asText());
                        } finally {
                            gate.release();
                        }
                    }));
                }
            }
        }
        List<User> users = new ArrayList<>(n);
        for (Future<User> f : fs) users.add(get(f));
        return users;
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new SetupFailed(String.valueOf(e.getCause()));
        }
    }

    JsonNode call(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 != 2) {
                throw new SetupFailed(method + " " + path + " → " + r.statusCode() + ": " + new String(r.body()));
            }
            return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new SetupFailed(method + " " + path + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupFailed("interrupted");
        }
    }
}
