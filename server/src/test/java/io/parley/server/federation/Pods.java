package io.parley.server.federation;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.Heartbeats;

import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test fixture: a pod (a whole {@link TestServer} on its own SQLite data directory) with an admin, and the admin
 * API calls that link pods. Heartbeats are fast (100 ms, dead after 3 misses and 300 ms grace) so failure tests stay short.
 */
public final class Pods {
    public static final Duration INTERVAL = Duration.ofMillis(100);
    public static final Duration GRACE = Duration.ofMillis(300);
    public static final int MISSED = 3;

    private static final java.net.http.HttpClient UPLOADS = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Pods() {}

    /** A running pod and its admin's token. */
    public record Pod(String id, TestServer server, Http http, String admin, Team team) implements AutoCloseable {
        public JsonNode invite() {
            Http.Res r = http.post("/api/v1/admin/pod/invitations", Map.of(), admin);
            assertEquals(201, r.status(), r.raw());
            return r.body();
        }

        public Http.Res accept(String invitation) {
            return http.post("/api/v1/admin/pod/peers", Map.of("invitation", invitation), admin);
        }

        /** {@return the peer as this pod's admin API shows it, or null} */
        public JsonNode peer(String peerId) {
            Http.Res r = http.get("/api/v1/admin/pod/peers", admin);
            assertEquals(200, r.status(), r.raw());
            for (JsonNode p : r.body().get("peers")) if (p.get("id").asText().equals(peerId)) return p;
            return null;
        }

        public String state(String peerId) {
            JsonNode p = peer(peerId);
            return p == null ? null : p.get("state").asText();
        }

        public Federation federation() { return server.server().federation(); }

        public String metrics() { return http.get("/metrics", null).raw(); }

        /** Uploads a file as the admin into the pod's workspace; {@return the file as the API answers it} */
        public JsonNode upload(String name, byte[] bytes) throws Exception {
            java.net.http.HttpResponse<String> up = UPLOADS.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl()
                            + "/api/v1/workspaces/" + team.workspaceId + "/files?name=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)))
                    .header("Authorization", "Bearer " + admin).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, up.statusCode(), up.body());
            return Http.JSON.readTree(up.body()).get("file");
        }

        @Override
        public void close() { server.close(); }
    }

    /** What a test opened — pods, proxies, sockets — closed in reverse order after it ({@code @AfterEach}). */
    public static final class Open implements AutoCloseable {
        private final List<AutoCloseable> items = new ArrayList<>();

        /** {@return a started pod (fast heartbeats), closed after the test} */
        public Pod pod(String id) { return pod(id, Map.of()); }

        /** {@return a started pod with extra settings, closed after the test} */
        public Pod pod(String id, Map<String, String> extra) { return add(start(id, extra)); }

        /** {@return the thing, to be closed after the test} */
        public <T extends AutoCloseable> T add(T thing) {
            items.add(thing);
            return thing;
        }

        /** Forgets a thing the test closed itself. */
        public void remove(AutoCloseable thing) { items.remove(thing); }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : items.reversed()) c.close();
        }
    }

    /** Starts a pod with fast heartbeats and extra settings. */
    public static Pod start(String id, Map<String, String> extra) {
        return of(id, TestServer.start(settings(id, extra)));
    }

    /**
     * Starts a pod that serves TLS itself (its extra settings name the certificate), with fast heartbeats; its admin
     * API is called over https trusting this client context.
     */
    public static Pod start(String id, Map<String, String> extra, javax.net.ssl.SSLContext clientTls) {
        TestServer server = TestServer.start(settings(id, extra));
        Team team = Team.bootstrap(server);
        return new Pod(id, server, new Http(server.baseUrl(), clientTls), team.owner.accessToken(), team);
    }

    private static Map<String, String> settings(String id, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("pod.id", id);
        o.put("pod.heartbeat_interval", INTERVAL.toMillis() + "ms");
        o.put("pod.dead_after_missed", Integer.toString(MISSED));
        o.put("pod.grace", GRACE.toMillis() + "ms");
        o.putAll(extra);
        return o;
    }

    public static Pod start(String id) {
        return start(id, Map.of());
    }

    /** Wraps a started server, bootstrapping its admin. */
    /** {@return the config of one node of pod {@code id} on a shared PostgreSQL schema, with the test heartbeats} */
    public static Map<String, String> nodeConfig(String id, Map<String, String> storeConfig) {
        Map<String, String> cfg = new HashMap<>(storeConfig);
        cfg.put("pod.id", id);
        cfg.put("pod.heartbeat_interval", INTERVAL.toMillis() + "ms");
        cfg.put("pod.dead_after_missed", Integer.toString(MISSED));
        cfg.put("pod.grace", GRACE.toMillis() + "ms");
        return cfg;
    }

    public static Pod of(String id, TestServer server) {
        Team team = Team.bootstrap(server);
        return new Pod(id, server, new Http(server.baseUrl()), team.owner.accessToken(), team);
    }

    /** Links two pods through their admin APIs ({@code inviter} invites) and waits until each sees the other alive. */
    /** Links every pair of the pods, each earlier one inviting each later one. */
    public static void linkAll(Pod... pods) throws InterruptedException {
        for (int i = 0; i < pods.length; i++) {
            for (int j = i + 1; j < pods.length; j++) link(pods[i], pods[j]);
        }
    }

    public static void link(Pod inviter, Pod accepter) throws InterruptedException {
        Http.Res r = accepter.accept(inviter.invite().get("invitation").asText());
        assertEquals(201, r.status(), r.raw());
        Await.until(Duration.ofSeconds(10), inviter.id() + " and " + accepter.id() + " see each other alive",
                () -> "alive".equals(inviter.state(accepter.id())) && "alive".equals(accepter.state(inviter.id()))
                        && inviter.federation().health().health(accepter.id()).lastSeen() != null
                        && accepter.federation().health().health(inviter.id()).lastSeen() != null);
    }

    /** {@return the value of a counter or gauge line in Prometheus text, or -1 if absent} */
    public static double metric(String scrape, String name, String label, String value) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label + "=\"" + value + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
