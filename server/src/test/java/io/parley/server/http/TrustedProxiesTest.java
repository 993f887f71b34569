package io.parley.server.http;

import io.parley.server.net.Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who the client is: the peer, unless the peer is a trusted proxy; then the right-most hop it did not add itself. */
class TrustedProxiesTest {
    private final TrustedProxies lb = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8"),
            Cidr.parse("fd00::/8"), Cidr.parse("192.0.2.10")));

    @Test
    void nobodyIsTrustedByDefault() {
        assertEquals("203.0.113.5", TrustedProxies.NONE.client("203.0.113.5", List.of("198.51.100.1")));
        assertEquals("10.0.0.1", TrustedProxies.NONE.client("10.0.0.1", List.of("198.51.100.1")));
    }

    @Test
    void anUntrustedPeerIsItsOwnClientWhateverItSays() {
        assertEquals("203.0.113.5", lb.client("203.0.113.5", List.of("198.51.100.1")));
    }

    @Test
    void behindTrustedProxiesTheClientIsTheRightMostUntrustedHop() {
        assertAll(
                () -> assertEquals("198.51.100.1", lb.client("10.0.0.1", List.of("198.51.100.1"))),
                () -> assertEquals("198.51.100.1", lb.client("10.0.0.1", List.of("6.6.6.6, 198.51.100.1, 10.9.9.9")),
                        "the forged left part is ignored; a second trusted proxy is skipped"),
                () -> assertEquals("198.51.100.1", lb.client("10.0.0.1", List.of("6.6.6.6", "198.51.100.1")), "several header lines"),
                () -> assertEquals("2001:db8:0:0:0:0:0:1", lb.client("fd00::1", List.of("[2001:db8::1]:4711"))),
                () -> assertEquals("198.51.100.1", lb.client("10.0.0.1", List.of("198.51.100.1:4711"))),
                () -> assertEquals("10.0.0.1", lb.client("10.0.0.1", List.of()), "no header: the proxy itself"),
                () -> assertEquals("10.0.0.7", lb.client("10.0.0.1", List.of("10.0.0.7")), "all trusted: the left-most"),
                () -> assertEquals("10.0.0.1", lb.client("10.0.0.1", List.of("unknown")), "garbage: the last good hop"),
                () -> assertEquals("198.51.100.1", lb.client("10.0.0.1", List.of("example.com, 198.51.100.1")), "a name is no address"));
    }

    @Test
    void rangesAreAddressesOrCidrBlocksAndNeverNames() {
        Cidr r = Cidr.parse("172.16.0.0/12");
        assertAll(
                () -> assertTrue(r.contains(TrustedProxies.literal("172.31.255.255"))),
                () -> assertFalse(r.contains(TrustedProxies.literal("172.32.0.0"))),
                () -> assertFalse(r.contains(TrustedProxies.literal("::1")), "another family"),
                () -> assertTrue(Cidr.parse("::1").contains(TrustedProxies.literal("::1"))),
                () -> assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")),
                () -> assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost")),
                () -> assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x")));
    }
}
