package io.parley.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses: the one lookup {@link OutboundPolicy} makes per connection, whose answer is both
 * checked and connected to. {@link #SYSTEM} in production; tests pass their own to simulate DNS (a name that points
 * somewhere else between two lookups, as DNS rebinding does).
 */
@FunctionalInterface
public interface HostResolver {
    /** The JVM's resolver ({@link InetAddress#getAllByName}: hosts file and DNS, with the JVM's cache). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** {@return every address of the host, never empty} @throws UnknownHostException if it has none */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
