package io.parley.server.nats;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;

/**
 * The test NATS ({@code PARLEY_TEST_NATS}, default nats://127.0.0.1:4222, with JetStream). Tests use a fresh
 * subject and bucket prefix each, so runs never see each other. Without a reachable NATS the test is skipped
 * with a printed reason — unless {@code CI=true}, where it fails.
 */
public final class TestNats {
    public static final String URL = System.getenv().getOrDefault("PARLEY_TEST_NATS", "nats://127.0.0.1:4222");

    private TestNats() {}

    /** Skips (fails under CI) unless NATS answers. {@return its URL} */
    public static String require() {
        String hostPort = URL.replaceFirst("^nats://", "");
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 1000);
        } catch (IOException e) {
            String reason = "NATS unreachable at " + URL + " (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + "; CI=true requires it", e);
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        return URL;
    }

    /** {@return a subject and bucket prefix no other run uses} */
    public static String uniquePrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
