package io.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code parley bench pods}: the figures of issue 7 §7 on two real pods on this host, each a child process with
 * its own SQLite store, linked through a {@link LinkCut} per direction, one org and one org-shared channel:
 * <ol>
 *   <li>cross-pod send→deliver latency (p50, p99) on a healthy link at a steady rate: sent over WebSocket on
 *       pod-a, received over WebSocket on pod-b (one clock: this process's);</li>
 *   <li>backlog replay after a link outage: the link cut both ways until each pod declares the other DEAD, a backlog
 *       of {@code backlog} messages written on pod-a, the link healed; the rate is backlog / time from healing until
 *       pod-a's cursor for pod-b reaches the log's end. Run twice: the first replay is also the JIT's first sight of
 *       the bulk paths (on 2 shared cores C2 then takes about half of both pods' CPU); the second is the figure of a
 *       pod in its steady state, as a long-running pod is when its peer comes back;</li>
 *   <li>time from pod-b's kill -9 to pod-a declaring it DEAD;</li>
 *   <li>backlog replay: while pod-b is down a backlog of {@code backlog} messages is written on pod-a (as fast as
 *       pod-a takes them — faster than the real-time 100 msgs/s of a 10-minute outage); pod-b restarts on its data
 *       and the rate is backlog / time from its return (listening) until pod-a's cursor for it reaches the log's end;</li>
 *   <li>reconciliation: the link cut both ways, {@code divergent} messages written on each side, the link healed;
 *       the time from healing until both pods' digests of the channel are equal;</li>
 *   <li>what acks after replicas cost (issue 16 §3): send→ack on pod-a of a second shared channel, resilient with
 *       pod-b as its replica, at a steady rate, in rounds alternating {@code ackAfterReplicas} 0 and 1 so both see
 *       the same machine; then the channel stops being resilient, so the other phases are as before. Run after the
 *       cross-pod latency, or alone with {@code --acks-only}.</li>
 * </ol>
 */
final class PodsBench {
    /** What to run. */
    record Settings(Path dir, int rate, Duration warmup, Duration duration, int backlog, int divergent, int window,
                    Duration heartbeat, int missed, Duration grace, boolean acksOnly) {}

    /** Rounds of each ackAfterReplicas value in the acks phase, alternating. */
    static final int ACK_ROUNDS = 4;

    private final Settings s;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> results = new LinkedHashMap<>();
    private BenchPod a;
    private BenchPod b;
    private LinkCut toA;
    private LinkCut toB;
    private String orgChannelId;

    PodsBench(Settings s) { this.s = s; }

    Map<String, String> run() throws Exception {
        Files.createDirectories(s.dir());
        try (LinkCut la = new LinkCut(); LinkCut lb = new LinkCut()) {
            toA = la;
            toB = lb;
            a = new BenchPod("pod-a", s.dir().resolve("pod-a"), env("pod-a", toA));
            b = new BenchPod("pod-b", s.dir().resolve("pod-b"), env("pod-b", toB));
            try {
                setUp();
                if (s.acksOnly()) {
                    acks();
                    return results;
                }
                latency();
                acks();
                outage("first backlog replay to pod-b after a link outage (the JIT compiling the bulk paths)");
                outage("backlog replay to pod-b after a link outage (both pods up)");
                death();
                backlog();
                reconcile();
            } finally {
                a.close();
                b.close();
            }
        }
        return results;
    }

    private Map<String, String> env(String id, LinkCut publicLink) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PARLEY_POD_ID", id);
        env.put("PARLEY_POD_PUBLIC_URL", publicLink.url());
        env.put("PARLEY_POD_HEARTBEAT_INTERVAL", s.heartbeat().toMillis() + "ms");
        env.put("PARLEY_POD_DEAD_AFTER_MISSED", Integer.toString(s.missed()));
        env.put("PARLEY_POD_GRACE", s.grace().toMillis() + "ms");
        env.put("PARLEY_LIMITS_MESSAGES_PER_SECOND", "1000000"); // capacity is measured, not the per-user limit
        env.put("PARLEY_LOG_LEVEL", System.getenv().getOrDefault("BENCH_POD_LOG_LEVEL", "WARN"));
        env.put("PARLEY_AUTH_ARGON2_MEMORY_KIB", "1024");
        env.put("PARLEY_AUTH_ARGON2_ITERATIONS", "1");
        return env;
    }

    private void setUp() throws Exception {
        Thread ta = Thread.ofVirtual().start(() -> start(a, toA));
        Thread tb = Thread.ofVirtual().start(() -> start(b, toB));
        ta.join();
        tb.join();
        if (a.token == null || b.token == null) throw new IllegalStateException("a pod did not start; see the logs in " + s.dir());
        String inv = a.call("POST", "/api/v1/admin/pod/invitations", Map.of(), 201).path("invitation").asText();
        b.call("POST", "/api/v1/admin/pod/peers", Map.of("invitation", inv), 201);
        await(Duration.ofSeconds(30), "the pods alive to each other", () -> alive(a, "pod-b") && alive(b, "pod-a"));
        String orgId = a.call("POST", "/api/v1/admin/pod/orgs", Map.of("name", "Bench org"), 201).path("org").path("id").asText();
        a.call("POST", "/api/v1/admin/pod/orgs/" + orgId + "/members", Map.of("pod", "pod-b"), 200);
        a.chatId = a.call("POST", "/api/v1/workspaces/" + a.workspaceId + "/channels", Map.of("name", "bench", "private", true), 201)
                .path("chat").path("id").asText();
        orgChannelId = a.call("POST", "/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", a.chatId), 201)
                .path("channel").path("id").asText();
        await(Duration.ofSeconds(30), "pod-b maps the channel", () -> {
            try {
                b.chatId = b.call("POST", BenchPod.channelPath(orgChannelId) + "/map", Map.of("workspaceId", b.workspaceId), 200)
                        .path("channel").path("chatId").asText();
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }

    private static void start(BenchPod p, LinkCut link) {
        try {
            p.start();
            link.target(p.port());
            p.setup();
        } catch (Exception e) {
            System.err.println(p.id + " did not start: " + e.getMessage());
        }
    }

    private static boolean alive(BenchPod p, String peer) { return "alive".equals(p.peerState(peer)); }

    // ---- 1. cross-pod send→deliver ----

    private void latency() throws Exception {
        Histogram us = new Histogram(60_000_000L, 3);
        AtomicLong received = new AtomicLong();
        long measureFrom = System.nanoTime() + s.warmup().toNanos();
        try (PodSocket in = new PodSocket(http, b.ws(), b.token, 1, arrival -> {
                 JsonNode c = arrival.payload().findValue("content");
                 if (c == null || !c.asText().startsWith("lat ")) return;
                 long sent = Long.parseLong(c.asText().substring(4));
                 received.incrementAndGet();
                 if (sent >= measureFrom) synchronized (us) { us.recordValue(Math.max(0, (arrival.nanos() - sent) / 1_000)); }
             });
             PodSocket out = new PodSocket(http, a.ws(), a.token, s.window(), null)) {
            long gap = 1_000_000_000L / s.rate();
            long end = measureFrom + s.duration().toNanos();
            long next = System.nanoTime();
            long sent = 0;
            while (System.nanoTime() < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                out.send(a.chatId, "lat " + System.nanoTime());
                sent++;
                next += gap;
            }
            long total = sent;
            await(Duration.ofSeconds(30), "every latency message on pod-b", () -> received.get() >= total);
            synchronized (us) {
                report("cross-pod send→deliver at " + s.rate() + " msgs/s for " + s.duration().toSeconds() + " s",
                        String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d measured, %d sent, %d send errors)",
                                us.getValueAtPercentile(50) / 1e3, us.getValueAtPercentile(99) / 1e3, us.getMaxValue() / 1e3,
                                us.getTotalCount(), total, out.errors.get()));
            }
        }
    }

    // ---- 1b. what acks after replicas cost ----

    private void acks() throws Exception {
        String chat = a.call("POST", "/api/v1/workspaces/" + a.workspaceId + "/channels", Map.of("name", "bench-acks", "private", true), 201)
                .path("chat").path("id").asText();
        String orgId = a.call("GET", BenchPod.channelPath(orgChannelId), null, 200).path("channel").path("orgId").asText();
        String channel = a.call("POST", "/api/v1/admin/pod/org-channels", Map.of("orgId", orgId, "chatId", chat), 201)
                .path("channel").path("id").asText();
        String path = BenchPod.channelPath(channel) + "/resilience";
        await(Duration.ofSeconds(30), "pod-b to know the second channel", () -> {
            try {
                b.call("GET", BenchPod.channelPath(channel), null, 200);
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
        JsonNode r = a.call("PUT", path, Map.of("replicas", java.util.List.of("pod-b"), "ackAfterReplicas", 1, "ackTimeoutMs", 8000), 200);
        if (!r.toString().contains("\"status\":\"accepted\"")) throw new IllegalStateException("pod-b did not accept the replica: " + r);
        Histogram[] us = {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)};
        Duration round = s.duration().dividedBy(ACK_ROUNDS / 2); // each value gets the whole duration
        long errors = 0;
        try (PodSocket out = new PodSocket(http, a.ws(), a.token, s.window(), null)) {
            pace(out, chat, s.warmup()); // both pods' JITs see the paths first
            for (int i = 0; i < ACK_ROUNDS; i++) {
                int n = i % 2;
                a.call("PUT", path, Map.of("ackAfterReplicas", n), 200);
                Histogram h = us[n];
                out.timeAcks(nanos -> { synchronized (h) { h.recordValue(Math.max(0, nanos / 1_000)); } });
                pace(out, chat, round);
                out.drain(Duration.ofSeconds(30));
                out.timeAcks(null);
            }
            errors = out.errors.get();
        }
        for (int n = 0; n < 2; n++) {
            Histogram h = us[n];
            synchronized (h) {
                report("send→ack on pod-a at " + s.rate() + " msgs/s, ackAfterReplicas " + n + " (" + (ACK_ROUNDS / 2) + " rounds of "
                                + round.toMillis() + " ms, alternating)",
                        String.format("p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d acks)", h.getValueAtPercentile(50) / 1e3,
                                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount()));
            }
        }
        if (errors > 0) report("send→ack errors", errors + " sends refused");
        a.call("DELETE", path, null, 204);
    }

    /** Sends on the pod-a chat at the bench's rate for a while. */
    private void pace(PodSocket out, String chat, Duration d) throws InterruptedException {
        long gap = 1_000_000_000L / s.rate();
        long end = System.nanoTime() + d.toNanos();
        long next = System.nanoTime();
        int i = 0;
        while (System.nanoTime() < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
            out.send(chat, "ack " + i++);
            next += gap;
        }
    }

    // ---- 2. backlog replay after a link outage ----

    private void outage(String label) throws Exception {
        toA.cut();
        toB.cut();
        await(Duration.ofSeconds(60), "each pod to declare the other dead", () -> "dead".equals(a.peerState("pod-b"))
                && "dead".equals(b.peerState("pod-a")));
        long written = write(a, s.backlog());
        long startCursor = a.cursor(orgChannelId, "pod-b")[0];
        toA.restore();
        toB.restore();
        long t0 = System.nanoTime();
        long[] alive = {0};
        CatchUp up = catchUp("pod-b to catch up after the link outage", startCursor, () -> {
            if (alive[0] == 0 && alive(a, "pod-b")) alive[0] = System.nanoTime();
        });
        long done = up.done();
        report("backlog of " + s.backlog() + " messages written on pod-a during a link outage",
                String.format("in %.1f s (%.0f msgs/s)", written / 1e9, s.backlog() / (written / 1e9)));
        report(label, String.format("%.0f msgs/s from healing until caught up"
                        + " (%.1f s); %.0f msgs/s from the first batch applied (pod-a saw pod-b alive after %s ms, its first batch applied after %s ms)",
                s.backlog() / ((done - t0) / 1e9), (done - t0) / 1e9,
                up.firstMove() == 0 ? 0 : s.backlog() / ((done - up.firstMove()) / 1e9),
                alive[0] == 0 ? "?" : Long.toString((alive[0] - t0) / 1_000_000),
                up.firstMove() == 0 ? "?" : Long.toString((up.firstMove() - t0) / 1_000_000)));
        await(Duration.ofMinutes(2), "equal digests after the link outage", () -> a.digest(orgChannelId).equals(b.digest(orgChannelId)));
    }

    /** When pod-a's cursor for pod-b first moved past where it was, and when it reached the log's end (nanoTime; 0: never moved). */
    private record CatchUp(long firstMove, long done) {}

    /** Polls pod-a's cursor for pod-b (running {@code eachPoll} first) until pod-b has the whole log. */
    private CatchUp catchUp(String what, long startCursor, Runnable eachPoll) throws InterruptedException {
        long[] firstMove = {0};
        await(Duration.ofMinutes(10), what, () -> {
            eachPoll.run();
            long[] c = a.cursor(orgChannelId, "pod-b");
            if (firstMove[0] == 0 && c[0] > startCursor) firstMove[0] = System.nanoTime();
            return c[0] >= c[1];
        });
        return new CatchUp(firstMove[0], System.nanoTime());
    }

    // ---- 3. death → DEAD ----

    private void death() throws Exception {
        long t0 = System.nanoTime();
        b.kill();
        await(Duration.ofSeconds(60), "pod-a to declare pod-b dead", () -> "dead".equals(a.peerState("pod-b")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        report("kill -9 of pod-b → DEAD on pod-a", ms + " ms (heartbeat " + s.heartbeat().toMillis() + " ms, dead after "
                + s.missed() + " missed and " + s.grace().toMillis() + " ms grace)");
    }

    // ---- 4. backlog replay after a restart ----

    private void backlog() throws Exception {
        long written = write(a, s.backlog());
        long startCursor = a.cursor(orgChannelId, "pod-b")[0];
        long t0 = System.nanoTime();
        b.start();
        toB.target(b.port());
        long back = System.nanoTime();
        CatchUp up = catchUp("pod-b to catch up", startCursor, () -> { });
        long done = up.done();
        double fromReturn = s.backlog() / ((done - back) / 1e9);
        double fromFirst = up.firstMove() == 0 ? 0 : s.backlog() / ((done - up.firstMove()) / 1e9);
        report("backlog of " + s.backlog() + " messages written on pod-a while pod-b was down",
                String.format("in %.1f s (%.0f msgs/s, faster than the real-time 100 msgs/s)", written / 1e9, s.backlog() / (written / 1e9)));
        report("backlog replay to pod-b", String.format("%.0f msgs/s from its return (listening, %d ms after start) until caught up"
                        + " (%.1f s); %.0f msgs/s from the first batch applied (pod-a saw it back after %d ms)",
                fromReturn, (back - t0) / 1_000_000, (done - back) / 1e9, fromFirst,
                up.firstMove() == 0 ? -1 : (up.firstMove() - back) / 1_000_000));
        await(Duration.ofMinutes(2), "equal digests after the replay", () -> a.digest(orgChannelId).equals(b.digest(orgChannelId)));
    }

    /** Writes n messages on the pod's chat as fast as it acks them; {@return nanoseconds it took} */
    private long write(BenchPod p, int n) throws Exception {
        long t0 = System.nanoTime();
        try (PodSocket out = new PodSocket(http, p.ws(), p.token, s.window(), null)) {
            for (int i = 0; i < n; i++) out.send(p.chatId, "backlog " + p.id + " " + i);
            out.drain(Duration.ofMinutes(2));
            if (out.errors.get() > 0) throw new IllegalStateException(out.errors.get() + " sends refused on " + p.id);
        }
        return System.nanoTime() - t0;
    }

    // ---- 5. reconciliation ----

    private void reconcile() throws Exception {
        toA.cut();
        toB.cut();
        await(Duration.ofSeconds(60), "each pod to declare the other dead", () -> "dead".equals(a.peerState("pod-b"))
                && "dead".equals(b.peerState("pod-a")));
        long[] took = new long[2];
        Thread wa = Thread.ofVirtual().start(() -> took[0] = writeQuietly(a, s.divergent()));
        Thread wb = Thread.ofVirtual().start(() -> took[1] = writeQuietly(b, s.divergent()));
        wa.join();
        wb.join();
        if (took[0] < 0 || took[1] < 0) throw new IllegalStateException("writing the divergent messages failed");
        toA.restore();
        toB.restore();
        long t0 = System.nanoTime();
        long[] alive = {0};
        long[] caughtUp = {0};
        await(Duration.ofMinutes(5), "equal digests after healing", () -> {
            if (alive[0] == 0 && alive(a, "pod-b") && alive(b, "pod-a")) alive[0] = System.nanoTime();
            // The cursors first (cheap): a digest reads the whole channel, and polling it every 20 ms would take CPU
            // from the replay it is waiting for.
            long[] ca = a.cursor(orgChannelId, "pod-b");
            long[] cb = b.cursor(orgChannelId, "pod-a");
            if (ca[0] < ca[1] || cb[0] < cb[1]) return false;
            // A cursor moves only over batches the peer applied (persist before ack): both caught up means each pod
            // holds the other's ops. The digests, read next, confirm the two states are the same.
            if (caughtUp[0] == 0) caughtUp[0] = System.nanoTime();
            return a.digest(orgChannelId).equals(b.digest(orgChannelId));
        });
        long done = System.nanoTime();
        report("reconcile " + s.divergent() + " divergent messages per side after a partition",
                String.format("%.2f s from healing until equal digests: both alive again after %s ms, both cursors caught up"
                                + " (everything applied on both sides) after %.2f s; the rest is reading the digests",
                        (done - t0) / 1e9, alive[0] == 0 ? "?" : Long.toString((alive[0] - t0) / 1_000_000), (caughtUp[0] - t0) / 1e9));
    }

    private long writeQuietly(BenchPod p, int n) {
        try {
            return write(p, n);
        } catch (Exception e) {
            System.err.println("writing on " + p.id + " failed: " + e.getMessage());
            return -1;
        }
    }

    /** Records a figure and prints it at once (a long run shows its progress). */
    private void report(String what, String figure) {
        results.put(what, figure);
        System.out.println(what + ": " + figure);
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

}
