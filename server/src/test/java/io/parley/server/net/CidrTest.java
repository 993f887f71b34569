package io.parley.server.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CIDR blocks, as {@code outbound.allowed_cidrs} and {@code server.trusted_proxies} read them. */
class CidrTest {
    @Test
    void blocksHoldTheirAddressesOnly() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        Cidr odd = Cidr.parse("192.168.4.0/22");
        Cidr ula = Cidr.parse("fd00::/8");
        Cidr one = Cidr.parse("10.1.2.3");
        assertAll(
                () -> assertTrue(ten.contains(InetAddress.ofLiteral("10.255.0.1"))),
                () -> assertFalse(ten.contains(InetAddress.ofLiteral("11.0.0.1"))),
                () -> assertTrue(odd.contains(InetAddress.ofLiteral("192.168.7.255"))),
                () -> assertFalse(odd.contains(InetAddress.ofLiteral("192.168.8.0"))),
                () -> assertTrue(ula.contains(InetAddress.ofLiteral("fd12::1"))),
                () -> assertFalse(ula.contains(InetAddress.ofLiteral("fc00::1"))),
                () -> assertFalse(ula.contains(InetAddress.ofLiteral("10.0.0.1")), "IPv4 is not in an IPv6 block"),
                () -> assertFalse(ten.contains(InetAddress.ofLiteral("::a00:1")), "nor IPv4-compatible IPv6 in an IPv4 block"),
                () -> assertEquals(32, one.prefixLength()),
                () -> assertTrue(one.contains(InetAddress.ofLiteral("10.1.2.3"))),
                () -> assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.ofLiteral("8.8.8.8"))),
                () -> assertEquals("10.0.0.0/8", ten.toString()));
    }

    @Test
    void badBlocksSayWhatIsWrong() {
        assertAll(
                () -> assertEquals("'10.0.0.1/8' has bits set past /8 (did you mean 10.0.0.0/8?)",
                        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8")).getMessage()),
                () -> assertEquals("'10.0.0.0/33' has a prefix length outside 0-32",
                        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage()),
                () -> assertEquals("'intranet/8' is not an IP address or address/prefix",
                        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("intranet/8")).getMessage()),
                () -> assertEquals("'10.0.0.0/x' has no numeric prefix length",
                        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x")).getMessage()));
    }
}
