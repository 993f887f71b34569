package io.parley.server.http;

import io.parley.server.net.Cidr;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proxies whose word on who the client is the server takes ({@code server.trusted_proxies}). Each proxy appends to
 * {@code X-Forwarded-For} the address it got the request from, so reading the list from the right, past the trusted
 * proxies, the first address is the client as the outermost trusted proxy saw it; everything further left was written
 * by the client and may be forged. A request whose peer is not a trusted proxy is its own client, whatever it sends.
 * Nobody is trusted by default.
 */
public record TrustedProxies(List<Cidr> ranges) {
    /** Trusts no one: every request's client is its TCP peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    /**
     * {@return the client a request comes from}
     *
     * @param peer the TCP peer's address
     * @param forwardedFor the {@code X-Forwarded-For} header lines, in order (each a comma-separated list)
     */
    public String client(String peer, List<String> forwardedFor) {
        if (!trusts(literal(peer)) || forwardedFor.isEmpty()) return peer;
        List<String> hops = new ArrayList<>();
        for (String line : forwardedFor) for (String hop : line.split(",")) hops.add(hop.strip());
        String client = peer;
        for (String hop : hops.reversed()) {
            InetAddress a = literal(withoutPort(hop));
            if (a == null) return client; // not an address: a proxy we trust would not write that, so stop at the last good hop
            client = a.getHostAddress();
            if (!trusts(a)) return client;
        }
        return client; // every hop is a trusted proxy: the left-most is as close to the client as anyone can tell
    }

    private boolean trusts(InetAddress a) {
        if (a == null) return false;
        for (Cidr r : ranges) if (r.contains(a)) return true;
        return false;
    }

    /** {@return the address of a literal (never a DNS lookup), or null if it is not one} */
    static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || !(IPV4.matcher(s).matches() || s.indexOf(':') >= 0)) return null;
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Strips a port some proxies add: {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
    }
}
