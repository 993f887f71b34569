package io.parley.server.outbound;

import java.util.Locale;

/**
 * A host an allow-list lets through: a name ({@code fcm.googleapis.com}), every name under a domain
 * ({@code *.notify.windows.com}, not the domain itself), or an IP literal ({@code 127.0.0.1}). Compared without
 * case and without a trailing dot.
 *
 * @param host the name or domain, lower case
 * @param subdomains whether it stands for the names under {@code host} ({@code *.} form)
 */
public record HostPattern(String host, boolean subdomains) {
    /** {@return the pattern of {@code text}} @throws IllegalArgumentException if it is not a host name, {@code *.domain} or IP literal */
    public static HostPattern parse(String text) {
        String s = OutboundPolicy.normalizeHost(text.strip());
        boolean wildcard = s.startsWith("*.");
        String host = wildcard ? s.substring(2) : s;
        if (!host.matches("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$") && (wildcard || !isIpLiteral(host))) {
            throw new IllegalArgumentException("'" + text + "' is not a host name, *.domain or IP address");
        }
        return new HostPattern(host, wildcard);
    }

    private static boolean isIpLiteral(String s) {
        try {
            java.net.InetAddress.ofLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@return whether a URL's host (as {@link OutboundPolicy#normalizeHost} leaves it) matches} */
    public boolean matches(String normalizedHost) {
        String h = normalizedHost.toLowerCase(Locale.ROOT);
        return subdomains ? h.endsWith("." + host) : h.equals(host);
    }

    @Override
    public String toString() {
        return subdomains ? "*." + host : host;
    }
}
