package io.parley.server.outbound;

import io.parley.server.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the server's outbound connections are bounded; the app's {@code [outbound]} configuration section, validated
 * there.
 *
 * @param allowedCidrs non-public addresses the server may connect to anyway, e.g. an on-premises push relay on a
 *     private network (none). Metadata, unspecified, multicast and broadcast addresses stay refused inside them.
 * @param pushHosts when not empty, the only hosts Web Push endpoints may be on (any host)
 * @param connectTimeout how long a TCP connect and a TLS handshake may each take (5s)
 * @param readTimeout the longest silence while waiting for the answer (10s)
 * @param requestTimeout the longest a request may take from its first connect to the end of the answer (15s)
 * @param maxResponseBytes the largest response body read; a larger one fails the request (1 MiB)
 */
public record OutboundSettings(List<Cidr> allowedCidrs, List<HostPattern> pushHosts, Duration connectTimeout,
                               Duration readTimeout, Duration requestTimeout, long maxResponseBytes) {
    public static final OutboundSettings DEFAULTS = new OutboundSettings(List.of(), List.of(), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(15), 1L << 20);

    public OutboundSettings {
        allowedCidrs = List.copyOf(allowedCidrs);
        pushHosts = List.copyOf(pushHosts);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxResponseBytes < 1 || maxResponseBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxResponseBytes must be between 1 and " + Integer.MAX_VALUE);
        }
    }

    /** {@return the hosts a purpose may reach; empty: any host the address checks let through} */
    public List<HostPattern> hostsFor(Purpose purpose) {
        return switch (purpose) {
            case WEB_PUSH -> pushHosts;
        };
    }
}
