package io.parley.server.chaos;

import io.parley.server.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.Http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test fixture for spec 001's scenarios: three pods ({@code pod-a}, {@code pod-b}, {@code pod-c}), each a Parley
 * process of its own ({@link ServerProcess}) with its own store, linked to each other, one org, one org-shared
 * channel mapped on all three, and a {@link TcpProxy} on every directed pod-to-pod link, so a test can cut, slow
 * or break one direction of one link while clients talk to the pods directly.
 *
 * <p><b>A proxy per direction.</b> A pod reaches a peer at the URL it learnt when they linked: the accepter
 * reaches the inviter at the invitation's URL (rewritten here to a proxy of the accepter's own), the inviter
 * reaches the accepter at the accepter's {@code pod.public_url}. Linking in a cycle (A invites B, B invites C, C
 * invites A) makes every pod the accepter exactly once, so its public URL is one link's proxy and all six
 * directions have a proxy each. Proxy {@code "x>y"} carries x's requests to y (and their answers).
 *
 * <p>A restarted pod listens on a new port; the proxies into it are retargeted and its peers notice nothing but
 * the outage. Heartbeats every {@link #INTERVAL}, dead after {@link #MISSED} misses plus {@link #GRACE}.
 */
final class PodTrio implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(200);
    static final Duration GRACE = Duration.ofMillis(600);
    static final int MISSED = 3;
    static final Duration START = Duration.ofSeconds(90);
    /** The scenarios' load: messages a second per pod. */
    static final int RATE = 15;
    /** How long the scenarios give messages to flow again, or a state to show, after a change. */
    static final Duration FLOW = Duration.ofSeconds(20);
    /** How long the scenarios give the pods to converge. */
    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final List<String> IDS = List.of("pod-a", "pod-b", "pod-c");
    /** Inviter → accepter, a cycle. */
    private static final Map<String, String> INVITES = Map.of("pod-a", "pod-b", "pod-b", "pod-c", "pod-c", "pod-a");

    /** One pod: its process (replaced on restart), admin session and mapped chat. */
    final class Pod {
        final String id;
        final Path dataDir;
        final List<String> storeArgs;
        volatile ServerProcess process;
        String token;
        UUID workspaceId;
        UUID chat;

        Pod(String id, Path dataDir, List<String> storeArgs) {
            this.id = id;
            this.dataDir = dataDir;
            this.storeArgs = storeArgs;
        }

        Http http() { return new Http(process.baseUrl()); }

        String ws() { return process.wsUrl(); }

        boolean alive() { return process.alive(); }

        Map<String, String> env(Map<String, String> extra) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PARLEY_POD_ID", id);
            env.put("PARLEY_POD_PUBLIC_URL", "http://" + proxy(publicProxyOf(id)).hostPort());
            env.put("PARLEY_POD_HEARTBEAT_INTERVAL", INTERVAL.toMillis() + "ms");
            env.put("PARLEY_POD_DEAD_AFTER_MISSED", Integer.toString(MISSED));
            env.put("PARLEY_POD_GRACE", GRACE.toMillis() + "ms");
            env.put("PARLEY_STORE_POOL_SIZE", "4");
            env.putAll(extra);
            return env;
        }

        void launch(Map<String, String> extra) throws Exception {
            process = ServerProcess.start(dataDir, storeArgs, env(extra), START);
            for (String from : IDS) if (!from.equals(id)) proxy(from + ">" + id).retarget(process.port());
        }

        /** kill -9. */
        void kill() { process.kill(); }

        /** SIGTERM and wait for the exit. */
        void stop() throws InterruptedException {
            process.terminate();
            Integer code = process.awaitExit(Duration.ofSeconds(20));
            assertEquals(0, code, id + " exits 0 on SIGTERM");
        }

        /** Starts again on the same data directory (and store), with extra environment. */
        void restart(Map<String, String> extra) throws Exception {
            if (process.alive()) throw new IllegalStateException(id + " is still running");
            launch(extra);
        }

        /** {@return this pod's admin view of a peer} */
        JsonNode peer(String peerId) {
            Http.Res r = http().get("/api/v1/admin/pod/peers", token);
            assertEquals(200, r.status(), r.raw());
            for (JsonNode p : r.body().get("peers")) if (p.get("id").asText().equals(peerId)) return p;
            throw new AssertionError(id + " has no peer " + peerId + ": " + r.raw());
        }

        String state(String peerId) { return peer(peerId).get("state").asText(); }

        /** {@return the ids of every top-level message of the mapped chat} */
        Set<UUID> messageIds() {
            Set<UUID> ids = new HashSet<>();
            for (JsonNode m : Chaos.history(process.baseUrl(), token, chat)) ids.add(UUID.fromString(m.get("id").asText()));
            return ids;
        }

        /** {@return the ids of the mapped chat's top-level messages by origin pod, each origin's in this pod's history order} */
        Map<String, List<UUID>> historyByOrigin() {
            Map<String, List<UUID>> out = new java.util.TreeMap<>();
            for (JsonNode m : Chaos.history(process.baseUrl(), token, chat)) {
                out.computeIfAbsent(m.get("originPod").asText(), k -> new ArrayList<>()).add(UUID.fromString(m.get("id").asText()));
            }
            return out;
        }

        String digest() {
            Http.Res r = http().get(channelPath() + "/digest", token);
            assertEquals(200, r.status(), r.raw());
            return r.body().get("digest").asText();
        }

        /** {@return how many org batches this pod took before the batch they follow, by outcome ("held", "refused")} */
        long overtaken(String outcome) {
            String scrape = http().get("/metrics", null).raw();
            return (long) Math.max(0, io.parley.server.federation.Pods.metric(scrape, "parley_pod_org_batches_overtaken_total", "outcome", outcome));
        }

        JsonNode channelView() {
            Http.Res r = http().get(channelPath(), token);
            assertEquals(200, r.status(), r.raw());
            return r.body().get("channel");
        }
    }

    private final Path dir;
    private final Map<String, TcpProxy> proxies = new LinkedHashMap<>();
    final Map<String, Pod> pods = new LinkedHashMap<>();
    String orgId;
    String orgChannelId;

    /** Every load ever started, so every ack ever recorded is checked at every convergence. */
    private final List<Load> loads = new CopyOnWriteArrayList<>();
    /** Messages posted over REST ({@link #postBacklog}), checked at every convergence like the loads' acks. */
    private final List<UUID> posted = new CopyOnWriteArrayList<>();
    private final List<Load> running = new CopyOnWriteArrayList<>();

    /**
     * Starts, links and shares. {@code storeArgs} gives a pod its store arguments (absent: SQLite in its data dir).
     */
    PodTrio(Map<String, List<String>> storeArgs) throws Exception {
        dir = Chaos.tempDir();
        for (String from : IDS) {
            for (String to : IDS) if (!from.equals(to)) proxies.put(from + ">" + to, new TcpProxy("127.0.0.1", 1));
        }
        for (String id : IDS) pods.put(id, new Pod(id, dir.resolve(id), storeArgs.getOrDefault(id, List.of())));
        List<Thread> starting = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (Pod p : pods.values()) {
            starting.add(Thread.ofVirtual().start(() -> {
                try {
                    p.launch(Map.of());
                    Chaos.Site site = Chaos.bootstrap(p.process.baseUrl());
                    p.token = site.token();
                    p.workspaceId = site.workspaceId();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : starting) t.join();
        try {
            if (!failures.isEmpty()) throw new AssertionError("a pod did not start", failures.getFirst());
            for (var e : INVITES.entrySet()) link(pod(e.getKey()), pod(e.getValue()));
            share();
        } catch (Throwable t) {
            close(); // the caller gets no trio to close: stop the processes here, or they outlive the test
            throw t;
        }
    }

    Pod pod(String id) { return pods.get(id); }

    TcpProxy proxy(String link) {
        TcpProxy p = proxies.get(link);
        if (p == null) throw new IllegalArgumentException("no link " + link);
        return p;
    }

    /** {@return the proxy the pod's public URL names: the one its (only) inviter reaches it through} */
    private static String publicProxyOf(String id) {
        for (var e : INVITES.entrySet()) if (e.getValue().equals(id)) return e.getKey() + ">" + id;
        throw new IllegalStateException(id);
    }

    String channelPath() { return "/api/v1/admin/pod/org-channels/" + URLEncoder.encode(orgChannelId, StandardCharsets.UTF_8); }

    private void link(Pod inviter, Pod accepter) throws Exception {
        Http.Res inv = inviter.http().post("/api/v1/admin/pod/invitations", Map.of(), inviter.token);
        assertEquals(201, inv.status(), inv.raw());
        ObjectNode n = (ObjectNode) Http.JSON.readTree(Base64.getUrlDecoder().decode(inv.body().get("invitation").asText()));
        n.put("url", "http://" + proxy(accepter.id + ">" + inviter.id).hostPort());
        String rewritten = Base64.getUrlEncoder().withoutPadding().encodeToString(Http.JSON.writeValueAsBytes(n));
        Http.Res r = accepter.http().post("/api/v1/admin/pod/peers", Map.of("invitation", rewritten), accepter.token);
        assertEquals(201, r.status(), r.raw());
        await(Duration.ofSeconds(20), inviter.id + " and " + accepter.id + " alive to each other",
                () -> "alive".equals(inviter.state(accepter.id)) && "alive".equals(accepter.state(inviter.id)));
    }

    /** An org of the three pods, a private channel of pod-a shared and mapped on the others. */
    private void share() throws Exception {
        Pod a = pod("pod-a");
        Http.Res org = a.http().post("/api/v1/admin/pod/orgs", Map.of("name", "Scenario org"), a.token);
        assertEquals(201, org.status(), org.raw());
        orgId = org.body().get("org").get("id").asText();
        for (String id : List.of("pod-b", "pod-c")) {
            Http.Res r = a.http().post("/api/v1/admin/pod/orgs/" + orgId + "/members", Map.of("pod", id), a.token);
            assertEquals(200, r.status(), r.raw());
        }
        Http.Res ch = a.http().post("/api/v1/workspaces/" + a.workspaceId + "/channels", Map.of("name", "incidents", "private", true), a.token);
        assertEquals(201, ch.status(), ch.raw());
        a.chat = UUID.fromString(ch.body().get("chat").get("id").asText());
        Http.Res sh = a.http().post("/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", a.chat), a.token);
        assertEquals(201, sh.status(), sh.raw());
        orgChannelId = sh.body().get("channel").get("id").asText();
        for (String id : List.of("pod-b", "pod-c")) {
            Pod p = pod(id);
            Http.Res[] last = new Http.Res[1];
            await(Duration.ofSeconds(20), id + " maps the org channel (" + id + " learns of it by org sync)", () -> {
                last[0] = p.http().post(channelPath() + "/map", Map.of("workspaceId", p.workspaceId), p.token);
                return last[0].status() == 200;
            });
            p.chat = UUID.fromString(last[0].body().get("channel").get("chatId").asText());
        }
    }

    // ---- load ----

    /** Starts a paced WebSocket sender on each live pod (its admin, on its mapped chat). */
    Map<String, Load> startLoads(int perSecondPerPod) {
        Map<String, Load> out = new LinkedHashMap<>();
        for (Pod p : pods.values()) if (p.alive()) out.put(p.id, startLoad(p, perSecondPerPod));
        return out;
    }

    Load startLoad(Pod p, int perSecond) {
        Load l = new Load(p.ws(), p.token, List.of(p.chat), 1, 4, perSecond);
        loads.add(l);
        running.add(l);
        return l;
    }

    /** Stops every sender (waits for its thread; acks in flight may still arrive until the sockets close). */
    void stopLoads() throws InterruptedException {
        for (Load l : running) l.stop();
        for (Load l : running) await(Duration.ofSeconds(10), "the last sends answered", () -> l.inFlight() == 0 || !l.open());
        for (Load l : running) l.close();
        running.clear();
    }

    /**
     * Posts a backlog on a pod over REST as fast as it takes it (four writers), while the loads go on: {@code n}
     * messages, every {@code longEvery}th of about {@code longChars} characters (so a batch of the org outbox, bounded
     * by its content bytes, holds only a few of them). {@return the ids of the messages}
     */
    List<UUID> postBacklog(Pod p, int n, int longEvery, int longChars) throws InterruptedException {
        List<UUID> ids = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        String filler = "ünïcødé, and plain text after it; ";
        for (int w = 0; w < 4; w++) {
            writers.add(Thread.ofVirtual().start(() -> {
                Http http = p.http();
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    String content = "backlog " + i + " of " + n;
                    if (i % longEvery == 0) content = content + " " + filler.repeat(longChars / filler.length());
                    Http.Res r = http.post("/api/v1/chats/" + p.chat + "/messages", Map.of("content", content), p.token);
                    if (r.status() != 201) {
                        failures.add(new AssertionError("backlog post " + i + " on " + p.id + ": " + r.status() + " " + r.raw()));
                        return;
                    }
                    ids.add(UUID.fromString(r.body().get("message").get("id").asText()));
                }
            }));
        }
        for (Thread t : writers) t.join();
        posted.addAll(ids);
        if (!failures.isEmpty()) throw new AssertionError(failures.getFirst());
        return List.copyOf(ids);
    }

    List<Load.Acked> acked() {
        List<Load.Acked> all = new ArrayList<>();
        for (Load l : loads) all.addAll(l.acked());
        return all;
    }

    Map<String, Integer> loadErrors() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (Load l : loads) l.errors().forEach((k, v) -> m.merge(k, v, Integer::sum));
        return m;
    }

    /**
     * Users on two live pods keep sending and reading: each pod's sender gets {@code n} more acks, and those
     * messages show up in the other pod's history (read over REST by its admin) within the timeout.
     */
    static void assertBothWaysFlowing(Pod x, Load lx, Pod y, Load ly, int n, Duration timeout) throws InterruptedException {
        List<UUID> fromX = next(lx, n, timeout);
        List<UUID> fromY = next(ly, n, timeout);
        await(timeout, n + " new messages of " + x.id + " on " + y.id, () -> y.messageIds().containsAll(fromX));
        await(timeout, n + " new messages of " + y.id + " on " + x.id, () -> x.messageIds().containsAll(fromY));
    }

    private static List<UUID> next(Load l, int n, Duration timeout) throws InterruptedException {
        int from = l.ackCount();
        awaitMoreAcks(l, n, timeout);
        return l.acked().subList(from, from + n).stream().map(Load.Acked::messageId).toList();
    }

    /** Waits until the load gets {@code more} acks. */
    static void awaitMoreAcks(Load l, int more, Duration timeout) throws InterruptedException {
        int target = l.ackCount() + more;
        await(timeout, target + " acks on one pod (errors " + l.errors() + ")", () -> l.ackCount() >= target);
    }

    // ---- checks ----

    /**
     * Waits until every acked message (of every load so far) is on every given pod and their digests of the org
     * channel are equal. {@return how long it took}
     */
    Duration awaitConverged(Duration timeout, Pod... on) throws InterruptedException {
        long start = System.nanoTime();
        Set<UUID> want = new HashSet<>(posted);
        for (Load.Acked a : acked()) want.add(a.messageId());
        Await.value(timeout, "convergence of " + want.size() + " acked messages", () -> divergence(want, on),
                java.util.Objects::isNull);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String divergence(Set<UUID> want, Pod... on) {
        for (Pod p : on) {
            Set<UUID> have = p.messageIds();
            if (!have.containsAll(want)) {
                Set<UUID> missing = new HashSet<>(want);
                missing.removeAll(have);
                return p.id + " lacks " + missing.size() + " acked messages";
            }
        }
        String first = on[0].digest();
        for (Pod p : on) if (!p.digest().equals(first)) return "digests differ (" + on[0].id + " vs " + p.id + ")";
        return null;
    }

    /**
     * Asserts that each pod's history (the default order: its local log) holds every origin's messages in the origin's
     * order: for each origin pod, its messages come in the other pods' histories as they come in its own. Call after
     * convergence (every pod holds every message). {@return how many messages were checked, over all pods}
     */
    int assertOriginOrder(Pod... on) {
        Map<String, Map<String, List<UUID>>> histories = new LinkedHashMap<>();
        for (Pod p : on) histories.put(p.id, p.historyByOrigin());
        int checked = 0;
        for (Pod origin : on) {
            List<UUID> own = histories.get(origin.id).getOrDefault(origin.id, List.of());
            for (Pod p : on) {
                List<UUID> there = histories.get(p.id).getOrDefault(origin.id, List.of());
                if (!there.equals(own)) {
                    fail(p.id + "'s history holds " + origin.id + "'s " + own.size() + " messages (" + there.size() + " there) out of "
                            + origin.id + "'s order; positions in " + origin.id + "'s order, as " + p.id + " holds them: " + runs(own, there));
                }
                checked += there.size();
            }
        }
        return checked;
    }

    /** {@return where each of {@code there}'s ids stands in {@code order}, as runs: "0–789, 850–909, 790–849, …"} */
    private static String runs(List<UUID> order, List<UUID> there) {
        Map<UUID, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < order.size(); i++) index.put(order.get(i), i);
        StringBuilder out = new StringBuilder();
        int from = -2, to = -2;
        for (UUID id : there) {
            int i = index.getOrDefault(id, -1);
            if (i >= 0 && i == to + 1) {
                to = i;
                continue;
            }
            if (from != -2) out.append(from == to ? "" + from : from + "–" + to).append(", ");
            from = to = i;
        }
        if (from != -2) out.append(from == to ? "" + from : from + "–" + to);
        return out.toString();
    }

    Pod[] all() { return pods.values().toArray(Pod[]::new); }

    /** The longest detection a loaded 2-core machine is allowed: a heartbeat in flight, 3 missed, grace, slack. */
    static Duration detectionBound() {
        return INTERVAL.multipliedBy(MISSED + 1L).plus(GRACE).plus(Duration.ofMillis(1_500));
    }

    /** Waits until each observer declares the peer dead; {@return milliseconds from {@code faultNanos} to the last} */
    static long awaitDead(long faultNanos, String peer, Pod... observers) throws InterruptedException {
        long worst = 0;
        for (Pod o : observers) {
            await(detectionBound().plusSeconds(10), o.id + " to declare " + peer + " dead", () -> "dead".equals(o.state(peer)));
            worst = Math.max(worst, (System.nanoTime() - faultNanos) / 1_000_000);
        }
        return worst;
    }

    static void assertDetectedInBound(String what, long ms) {
        long nominal = INTERVAL.multipliedBy(MISSED).plus(GRACE).toMillis();
        System.out.printf("%s: declared DEAD %d ms after the fault (3 heartbeats + grace = %d ms; bound on a loaded machine %d ms)%n",
                what, ms, nominal, detectionBound().toMillis());
        assertTrue(ms <= detectionBound().toMillis(), what + ": detected after " + ms + " ms, bound " + detectionBound().toMillis() + " ms");
    }

    static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Await.until(timeout, what, condition);
    }

    @Override
    public void close() throws Exception {
        for (Load l : loads) l.close();
        for (Pod p : pods.values()) if (p.process != null) p.process.close();
        for (TcpProxy p : proxies.values()) p.close();
        Chaos.deleteTree(dir);
    }
}
