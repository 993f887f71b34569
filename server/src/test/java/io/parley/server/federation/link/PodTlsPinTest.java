package io.parley.server.federation.link;

import io.parley.core.pod.PeerState;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.TestServer;
import io.parley.server.TestTls;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pod served over TLS behind a front (a self-signed certificate) names its certificate's key pin; a pod that
 * links to it pins every request to that key: the link works through the self-signed front, and when another key
 * is served at the same address the pinned pod refuses the connection and finds the peer unreachable — until the
 * pod itself, restarted with the new key's pin, tells it in a signed heartbeat: the pin rotates without a relink.
 * A pod that serves TLS itself ({@code server.tls}, no proxy) is pinned the same way.
 */
@Timeout(90)
class PodTlsPinTest {
    @Test
    void requestsArePinnedToThePeersTlsKey() throws Exception {
        try (TlsFront front = new TlsFront()) {
            Map<String, String> tls = Map.of("pod.public_url", front.url(), "pod.tls_pin", front.pin());
            Pods.Pod a = Pods.start("pod-a", tls);
            TestServer rotated = null;
            try (Pods.Pod b = Pods.start("pod-b")) {
                front.target(a.server().baseUrl());
                Pods.link(a, b); // b accepts a's invitation: its accept call and heartbeats go to a over TLS, pinned
                Peer seen = b.federation().peers().find("pod-a").orElseThrow();
                assertEquals(front.pin(), seen.tlsPin(), "the pin came with the invitation");
                assertEquals(front.url(), seen.url());
                Http.Res view = b.http().get("/api/v1/admin/pod/peers", b.admin());
                assertTrue(view.raw().contains(front.pin()), view.raw());
                assertTrue(b.federation().client().send("pod-a", Heartbeats.PATH, beat()).ok());

                // Another key at the same address: refused by the pin, however valid its certificate.
                String was = front.pin();
                front.replaceKey();
                assertTrue(!was.equals(front.pin()));
                PodResult r = b.federation().client().send("pod-a", Heartbeats.PATH, beat());
                assertTrue(r instanceof PodResult.Failed, "an impostor key is refused: " + r);
                Await.until(Duration.ofSeconds(20), "pod-b to find pod-a unreachable",
                        () -> b.federation().health().health("pod-a").state() == PeerState.DEAD);
                // pod-a still reaches pod-b (plain HTTP, no pin there).
                assertTrue(a.federation().client().send("pod-b", Heartbeats.PATH, beat()).ok());
                assertEquals(was, b.federation().peers().find("pod-a").orElseThrow().tlsPin(), "its heartbeats still tell the old pin");

                // The new key was pod-a's own: its admin sets the new pin and restarts it; its first heartbeats tell pod-b.
                rotated = TestServer.restart(a.server(), Map.of("pod.tls_pin", front.pin()));
                front.target(rotated.baseUrl());
                Await.until(Duration.ofSeconds(20), "pod-b to take pod-a's new pin and find it alive again",
                        () -> front.pin().equals(b.federation().peers().find("pod-a").orElseThrow().tlsPin())
                                && b.federation().health().health("pod-a").state() == PeerState.ALIVE);
                assertTrue(b.federation().client().send("pod-a", Heartbeats.PATH, beat()).ok(),
                        "pinned to the new key");
            } finally {
                if (rotated != null) rotated.close();
                else a.close();
            }
        }
    }

    @Test
    void aPodServingItsOwnTlsIsPinnedByItsPeers(@TempDir Path dir) throws Exception {
        TestTls.Authority root = TestTls.Authority.root("Pod Test Root"); // a CA pod-b's JDK does not trust: only the pin can
        TestTls.Leaf leaf = root.issue("EC");
        leaf.write(dir.resolve("cert.pem"), dir.resolve("key.pem"), TestTls.KeyForm.PKCS8);
        String pin = TlsPin.of(leaf.certificate().getPublicKey());
        Map<String, String> tls = new HashMap<>(TestTls.serverSettings(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        tls.put("pod.tls_pin", pin); // no pod.public_url: the derived one is https
        try (Pods.Pod a = Pods.start("pod-a", tls, TestTls.client(root)); Pods.Pod b = Pods.start("pod-b")) {
            assertEquals(a.server().baseUrl(), a.server().server().podUrl());
            assertTrue(a.server().server().podUrl().startsWith("https://"), a.server().server().podUrl());
            Pods.link(a, b); // b accepts a's invitation: its accept call and heartbeats reach a over a's own TLS, pinned
            Peer seen = b.federation().peers().find("pod-a").orElseThrow();
            assertEquals(pin, seen.tlsPin());
            assertEquals(a.server().baseUrl(), seen.url());
            assertTrue(b.federation().client().send("pod-a", Heartbeats.PATH, beat()).ok());
        }
    }

    /** {@return a heartbeat that tells no pin (it only probes the link)} */
    private static Heartbeats.Beat beat() {
        return new Heartbeats.Beat(System.currentTimeMillis(), null);
    }

    @Test
    void aPinNeedsHttpsAndItsForm() {
        assertThrows(IllegalStateException.class, () -> TestServer.start(Map.of("pod.id", "pod-x", "pod.public_url", "http://127.0.0.1:1",
                "pod.tls_pin", "sha256/" + "A".repeat(43) + "=")), "a pin with an http URL is refused at start");
        assertThrows(IllegalStateException.class, () -> TestServer.start(Map.of("pod.id", "pod-x", "pod.public_url", "https://127.0.0.1:1",
                "pod.tls_pin", "md5/abc")), "a malformed pin is refused at start");
        assertTrue(TlsPin.valid("sha256/" + "A".repeat(43) + "="));
    }
}
