package io.parley.server.chaos;

import io.parley.core.pod.PeerState;
import io.parley.server.Await;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition between two linked pods: each pod's public URL is a {@link TcpProxy} in front of it, so cutting both
 * proxies cuts the link both ways while both pods stay up. Each must declare the other DEAD within the heartbeat
 * bound; after the link heals, both come back ALIVE. Also: a pod killed with SIGKILL in its own JVM is detected
 * the same way (its
 * return after a restart is {@code PeerLivenessTest}'s: a separate JVM here comes back on another port).
 */
@Timeout(90)
class PodPartitionTest {
    private static final Duration ALLOWANCE = Duration.ofMillis(700);
    private final Pods.Open open = new Pods.Open();
    private java.nio.file.Path dir;

    @AfterEach
    void tearDown() throws Exception {
        open.close();
        if (dir != null) Chaos.deleteTree(dir);
    }

    private static Duration bound() {
        return Pods.INTERVAL.multipliedBy(Pods.MISSED + 1L).plus(Pods.GRACE).plus(ALLOWANCE);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A pod behind a proxy: other pods reach it only through the proxy. */
    private Pods.Pod behindProxy(String id, List<TcpProxy> proxies) throws Exception {
        int port = freePort();
        TcpProxy proxy = new TcpProxy("127.0.0.1", port);
        open.add(proxy);
        proxies.add(proxy);
        return open.pod(id, Map.of("server.port", Integer.toString(port), "pod.public_url", "http://" + proxy.hostPort()));
    }

    @Test
    void aPartitionIsDetectedOnBothSidesWithinTheBoundAndHeals() throws Exception {
        List<TcpProxy> proxies = new ArrayList<>();
        Pods.Pod a = behindProxy("pod-a", proxies);
        Pods.Pod b = behindProxy("pod-b", proxies);
        Pods.link(a, b);
        assertEquals("http://" + proxies.get(1).hostPort(), a.peer("pod-b").get("url").asText());

        long cut = System.nanoTime();
        proxies.forEach(TcpProxy::sever);
        Await.until(bound().plusSeconds(5), "both sides to declare the other dead",
                () -> a.federation().health().health("pod-b").state() == PeerState.DEAD
                        && b.federation().health().health("pod-a").state() == PeerState.DEAD);
        long deadMs = (System.nanoTime() - cut) / 1_000_000;
        System.out.printf("partition: both DEAD after %d ms (bound %d ms)%n", deadMs, bound().toMillis());
        assertTrue(deadMs <= bound().toMillis(), "detected after " + deadMs + " ms, bound " + bound().toMillis() + " ms");

        for (TcpProxy p : proxies) p.restore();
        Await.until(Duration.ofSeconds(10), "both alive after the link heals",
                () -> a.federation().health().health("pod-b").state() == PeerState.ALIVE
                        && b.federation().health().health("pod-a").state() == PeerState.ALIVE);
    }

    @Test
    void aKilledPodInItsOwnJvmIsDeclaredDeadWithinTheBound() throws Exception {
        dir = Chaos.tempDir();
        Pods.Pod a = open.pod("pod-a");
        Map<String, String> env = Map.of("PARLEY_POD_ID", "pod-b", "PARLEY_POD_HEARTBEAT_INTERVAL", Pods.INTERVAL.toMillis() + "ms",
                "PARLEY_POD_DEAD_AFTER_MISSED", Integer.toString(Pods.MISSED), "PARLEY_POD_GRACE", Pods.GRACE.toMillis() + "ms");
        ServerProcess b = ServerProcess.start(dir.resolve("b"), List.of(), env, Duration.ofSeconds(60));
        open.add(b);
        io.parley.server.Http bHttp = new io.parley.server.Http(b.baseUrl());
        var setup = bHttp.post("/api/v1/setup", Map.of("email", "o@example.com", "handle", "owner", "password", "correct horse battery",
                "workspaceName", "B"), null);
        assertEquals(201, setup.status(), setup.raw());
        String bAdmin = setup.body().get("accessToken").asText();
        var linked = bHttp.post("/api/v1/admin/pod/peers", Map.of("invitation", a.invite().get("invitation").asText()), bAdmin);
        assertEquals(201, linked.status(), linked.raw());
        Await.until(Duration.ofSeconds(10), "pod-a to hear from pod-b",
                () -> a.federation().health().health("pod-b").lastSeen() != null
                        && a.federation().health().health("pod-b").state() == PeerState.ALIVE);

        long killed = System.nanoTime();
        b.kill();
        Await.until(bound().plusSeconds(5), "pod-a to declare pod-b dead",
                () -> a.federation().health().health("pod-b").state() == PeerState.DEAD);
        long deadMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("kill -9: DEAD after %d ms (bound %d ms)%n", deadMs, bound().toMillis());
        assertTrue(deadMs <= bound().toMillis(), "detected after " + deadMs + " ms, bound " + bound().toMillis() + " ms");
        assertTrue(a.peer("pod-b") != null && "dead".equals(a.state("pod-b")));
    }
}
