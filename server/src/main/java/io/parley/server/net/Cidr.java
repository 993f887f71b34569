package io.parley.server.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;

/**
 * A block of IPv4 or IPv6 addresses, {@code 10.0.0.0/8} or {@code fd00::/8}: the address classes the outbound policy
 * knows, the ranges an operator opens with {@code outbound.allowed_cidrs}, and the load balancers of
 * {@code server.trusted_proxies}. An IPv4 block holds IPv4 addresses only; an
 * IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is compared as the IPv4 address it maps.
 *
 * @param network the first address of the block (no bits set past the prefix)
 * @param prefixLength how many leading bits every address of the block shares
 */
public record Cidr(InetAddress network, int prefixLength) {
    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + bits);
        }
    }

    /**
     * {@return the block written as {@code address/prefix}}, or a single address (a /32 or /128); the address is
     * an IP literal, never a name to look up
     *
     * @throws IllegalArgumentException naming what is wrong, e.g. bits set past the prefix
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress network;
        try {
            network = InetAddress.ofLiteral(address); // a literal only: no DNS
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or address/prefix");
        }
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + bits);
            }
        }
        Cidr c = new Cidr(network, prefix);
        if (!Arrays.equals(masked(network.getAddress(), prefix), network.getAddress())) {
            throw new IllegalArgumentException("'" + text + "' has bits set past /" + prefix + " (did you mean "
                    + c.canonical() + "?)");
        }
        return c;
    }

    /** {@return whether the address is in this block} */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** {@return whether the raw address (4 or 16 bytes; IPv4-mapped counts as IPv4) is in this block} */
    public boolean contains(byte[] raw) {
        byte[] a = unmapped(raw);
        byte[] n = network.getAddress();
        if (a.length != n.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) if (a[i] != n[i]) return false;
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    /** {@return the IPv4 address of an IPv4-mapped IPv6 address, else the address as it is} */
    public static byte[] unmapped(byte[] raw) {
        if (raw.length != 16) return raw;
        for (int i = 0; i < 10; i++) if (raw[i] != 0) return raw;
        if (raw[10] != (byte) 0xff || raw[11] != (byte) 0xff) return raw;
        return Arrays.copyOfRange(raw, 12, 16);
    }

    private static byte[] masked(byte[] raw, int prefix) {
        byte[] out = raw.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.clamp(prefix - i * 8L, 0, 8);
            out[i] = (byte) (out[i] & ((0xff << (8 - keep)) & 0xff));
        }
        return out;
    }

    private String canonical() {
        try {
            return InetAddress.getByAddress(masked(network.getAddress(), prefixLength)).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: a 4- or 16-byte array
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress().toLowerCase(Locale.ROOT) + "/" + prefixLength;
    }
}
