package io.parley.server.bench;

import java.time.Duration;

/**
 * What one bench run does.
 *
 * @param url the server's base URL ({@code http://host:port})
 * @param ownerEmail owner to bootstrap (setup open) or sign in as (setup closed)
 * @param ownerPassword the owner's password
 * @param scenario the chat layout
 * @param channels channels (scenario channels)
 * @param members members per channel (channels, fanout)
 * @param dms two-member DMs (scenario dms)
 * @param sendersPerChat senders per channel (channels, fanout); in dms both members send
 * @param rate target total messages per second; 0 = closed loop (each sender keeps {@code window} in flight)
 * @param window most unacknowledged messages per sender
 * @param warmup sending before measuring
 * @param duration the measured window
 * @param drain longest wait after the last send for acks and deliveries
 * @param size message content length in bytes (at least 36)
 * @param ioThreads Netty event-loop threads of the client
 * @param registerConcurrency parallel registrations during setup
 * @param connectConcurrency parallel WebSocket handshakes
 * @param nodes WebSocket base URLs of a pod's nodes ({@code http://host:port}); user i connects to node i mod n.
 *     Empty: every connection goes to {@code url}
 */
public record BenchConfig(String url, String ownerEmail, String ownerPassword, Scenario scenario, int channels, int members,
                          int dms, int sendersPerChat, int rate, int window, Duration warmup, Duration duration, Duration drain,
                          int size, int ioThreads, int registerConcurrency, int connectConcurrency, Ambient ambient,
                          java.util.List<String> nodes) {

    /** The chat layouts. */
    public enum Scenario { CHANNELS, DMS, FANOUT }

    public static final String DEFAULT_OWNER_EMAIL = "bench-owner@bench.test";
    public static final String DEFAULT_OWNER_PASSWORD = "bench-owner-password";

    public BenchConfig {
        if (size < Payload.PREFIX_LENGTH + 1) size = Payload.PREFIX_LENGTH + 1;
        if (window < 1) window = 1;
        if (ioThreads < 1) ioThreads = 1;
        if (ambient == null) ambient = Ambient.NONE;
        nodes = nodes == null ? java.util.List.of() : java.util.List.copyOf(nodes);
    }

    /** {@return how many users the scenario needs} */
    int users() {
        int forChats = switch (scenario) {
            case CHANNELS -> channels * members;
            case DMS -> dms * 2;
            case FANOUT -> members;
        };
        return Math.max(forChats, ambient.users());
    }

    /** A small config for tests. */
    public static BenchConfig small(String url, Scenario scenario, int rate, Duration warmup, Duration duration) {
        return new BenchConfig(url, DEFAULT_OWNER_EMAIL, DEFAULT_OWNER_PASSWORD, scenario, 2, 5, 5, 2, rate, 64, warmup, duration,
                Duration.ofSeconds(5), 100, 1, 8, 16, Ambient.NONE, java.util.List.of());
    }
}
