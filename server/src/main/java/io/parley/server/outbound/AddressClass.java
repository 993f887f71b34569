package io.parley.server.outbound;

import io.parley.server.net.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * What kind of address an IP address is, as far as the server opening a connection to it is concerned: only
 * {@link #PUBLIC} addresses are reached without an operator's say-so.
 *
 * <p><b>How an address is classified.</b> An IPv6 address that carries an IPv4 address is classified as that IPv4
 * address: IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible ({@code ::/96}, deprecated), NAT64 with the
 * well-known prefix ({@code 64:ff9b::/96}, RFC 6052) and 6to4 ({@code 2002::/16}, the IPv4 address in bits 16–48).
 * So {@code ::ffff:127.0.0.1}, {@code ::127.0.0.1}, {@code 64:ff9b::7f00:1} and {@code 2002:7f00:1::} are all
 * loopback. Then the first of the ranges below that holds it decides, most specific first; an IPv6 address outside
 * them and outside global unicast ({@code 2000::/3}) is {@link #RESERVED}, everything else is {@link #PUBLIC}.
 *
 * <p>The ranges are IANA's special-purpose registries (RFC 6890 and its updates); {@link #METADATA} lists the cloud
 * instance-metadata services, which hand out credentials to whoever asks from the machine, and which
 * {@link OutboundPolicy} refuses even inside an operator's allowed CIDRs.
 */
public enum AddressClass {
    /** A routable unicast address on the internet. */
    PUBLIC("public"),
    /** This host: {@code 127.0.0.0/8}, {@code ::1}. */
    LOOPBACK("loopback"),
    /** Private networks: RFC 1918 ({@code 10/8}, {@code 172.16/12}, {@code 192.168/16}), IPv6 unique local
     * ({@code fc00::/7}), deprecated site-local ({@code fec0::/10}) and local-use NAT64 ({@code 64:ff9b:1::/48}). */
    PRIVATE("private"),
    /** The link: {@code 169.254.0.0/16}, {@code fe80::/10}. */
    LINK_LOCAL("link_local"),
    /** Carrier-grade NAT's shared space, {@code 100.64.0.0/10} (RFC 6598). */
    SHARED("shared"),
    /** {@code 0.0.0.0} and {@code ::}, which a connect turns into this host. */
    UNSPECIFIED("unspecified"),
    /** {@code 224.0.0.0/4}, {@code ff00::/8}. */
    MULTICAST("multicast"),
    /** {@code 255.255.255.255}. */
    BROADCAST("broadcast"),
    /** Examples in documentation: {@code 192.0.2/24}, {@code 198.51.100/24}, {@code 203.0.113/24},
     * {@code 2001:db8::/32}, {@code 3fff::/20}. */
    DOCUMENTATION("documentation"),
    /** Benchmarking networks: {@code 198.18.0.0/15}, {@code 2001:2::/48}. */
    BENCHMARK("benchmark"),
    /** Not for hosts: {@code 0/8}, {@code 192.0.0/24}, {@code 192.88.99/24}, {@code 240/4}, {@code 100::/64},
     * {@code 2001::/23} (Teredo among them), and IPv6 outside {@code 2000::/3}. */
    RESERVED("reserved"),
    /** Cloud instance metadata: {@code 169.254.169.254} (AWS, Azure, GCP, OpenStack and others), {@code 169.254.170.2}
     * (AWS ECS), {@code 100.100.100.200} (Alibaba), {@code fd00:ec2::254} (AWS over IPv6). */
    METADATA("metadata");

    private record Range(Cidr block, AddressClass kind) {
        Range(String block, AddressClass kind) {
            this(Cidr.parse(block), kind);
        }
    }

    // Most specific first: the metadata hosts sit inside link-local, shared and private blocks.
    private static final List<Range> V4 = List.of(
            new Range("169.254.169.254/32", METADATA), new Range("169.254.170.2/32", METADATA),
            new Range("100.100.100.200/32", METADATA),
            new Range("0.0.0.0/32", UNSPECIFIED), new Range("255.255.255.255/32", BROADCAST),
            new Range("0.0.0.0/8", RESERVED), new Range("10.0.0.0/8", PRIVATE), new Range("100.64.0.0/10", SHARED),
            new Range("127.0.0.0/8", LOOPBACK), new Range("169.254.0.0/16", LINK_LOCAL), new Range("172.16.0.0/12", PRIVATE),
            new Range("192.0.0.0/24", RESERVED), new Range("192.0.2.0/24", DOCUMENTATION), new Range("192.88.99.0/24", RESERVED),
            new Range("192.168.0.0/16", PRIVATE), new Range("198.18.0.0/15", BENCHMARK),
            new Range("198.51.100.0/24", DOCUMENTATION), new Range("203.0.113.0/24", DOCUMENTATION),
            new Range("224.0.0.0/4", MULTICAST), new Range("240.0.0.0/4", RESERVED));
    private static final List<Range> V6 = List.of(
            new Range("::/128", UNSPECIFIED), new Range("::1/128", LOOPBACK),
            new Range("fd00:ec2::254/128", METADATA),
            new Range("64:ff9b:1::/48", PRIVATE), new Range("100::/64", RESERVED),
            new Range("2001:2::/48", BENCHMARK), new Range("2001::/23", RESERVED), new Range("2001:db8::/32", DOCUMENTATION),
            new Range("3fff::/20", DOCUMENTATION),
            new Range("fc00::/7", PRIVATE), new Range("fe80::/10", LINK_LOCAL), new Range("fec0::/10", PRIVATE),
            new Range("ff00::/8", MULTICAST));
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final String label;

    AddressClass(String label) {
        this.label = label;
    }

    /** {@return the name used in metrics and logs, e.g. {@code link_local}} */
    public String label() { return label; }

    /**
     * {@return whether no operator setting opens this class}: metadata (credentials), the unspecified address (a
     * connect to it reaches this host), multicast and broadcast (no TCP peer)
     */
    public boolean neverAllowed() {
        return this == METADATA || this == UNSPECIFIED || this == MULTICAST || this == BROADCAST;
    }

    /** {@return the class of an address} */
    public static AddressClass of(InetAddress address) {
        return of(address.getAddress());
    }

    /** {@return the class of a raw 4- or 16-byte address} */
    static AddressClass of(byte[] raw) {
        byte[] a = Cidr.unmapped(raw);
        if (a.length == 4) return first(V4, a, PUBLIC);
        AddressClass exact = first(V6.subList(0, 2), a, null); // :: and ::1 before the IPv4-compatible block holds them
        if (exact != null) return exact;
        byte[] v4 = embeddedIpv4(a);
        if (v4 != null) return of(v4);
        AddressClass special = first(V6, a, null);
        if (special != null) return special;
        return (a[0] & 0xe0) == 0x20 ? PUBLIC : RESERVED; // global unicast is 2000::/3
    }

    private static AddressClass first(List<Range> ranges, byte[] a, AddressClass otherwise) {
        for (Range r : ranges) if (r.block().contains(a)) return r.kind();
        return otherwise;
    }

    /** {@return the IPv4 address an IPv4-compatible, NAT64 or 6to4 address carries, or null} */
    private static byte[] embeddedIpv4(byte[] a) {
        if (COMPATIBLE.contains(a) || NAT64.contains(a)) return Arrays.copyOfRange(a, 12, 16);
        if (SIX_TO_FOUR.contains(a)) return Arrays.copyOfRange(a, 2, 6);
        return null;
    }
}
