package io.parley.server.outbound;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where {@link OutboundPolicy} lets a connection go: the host as the URL names it (for {@code Host}, SNI and the
 * certificate check) and the addresses it resolved to once and checked, which are the only ones a client may
 * connect to. A client that looked the host up again could be sent elsewhere (DNS rebinding).
 *
 * @param host lower case, without brackets or a trailing dot
 * @param secure whether the connection is TLS
 * @param addresses every address of the host, each checked, in the resolver's order
 */
public record Destination(Purpose purpose, String host, int port, boolean secure, List<InetAddress> addresses) {
    public Destination {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(host, "host");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) throw new IllegalArgumentException("a destination has at least one address");
    }

    /** {@return the {@code Host} header: the host, bracketed if IPv6, with the port unless it is the scheme's default} */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (secure ? 443 : 80) ? h : h + ":" + port;
    }
}
