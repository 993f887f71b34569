package io.parley.server.gateway;

import java.time.Duration;

/**
 * Limits of the WebSocket gateway (spec 002 §2.6).
 *
 * @param maxFrameBytes largest accepted text frame (64 KiB); larger ones get an error and close 1009
 * @param heartbeatTimeout close after this long without any frame from the client (90 s)
 * @param idleTimeout close after this long without application traffic either way (5 min)
 * @param maxConnectionsPerUser the oldest connection is closed past this many (5)
 * @param sendQueueMax frames queued for one slow client before it is shed (1000)
 * @param tokenRefreshLead how long before the access token expires {@code token.refresh} is sent (60 s)
 * @param revocationSweep how often live sessions are re-checked against the store (15 s; revocation reaches sockets within 30 s even without the bus)
 */
public record GatewayConfig(int maxFrameBytes, Duration heartbeatTimeout, Duration idleTimeout, int maxConnectionsPerUser,
                            int sendQueueMax, Duration tokenRefreshLead, Duration revocationSweep) {
    public static final GatewayConfig DEFAULTS = new GatewayConfig(64 * 1024, Duration.ofSeconds(90), Duration.ofMinutes(5),
            5, 1000, Duration.ofSeconds(60), Duration.ofSeconds(15));
}
