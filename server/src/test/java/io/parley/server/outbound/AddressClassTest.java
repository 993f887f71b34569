package io.parley.server.outbound;

import io.parley.server.net.Cidr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every range the classifier knows, both edges where it matters, and the IPv6 forms that carry an IPv4 address. */
class AddressClassTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            // IPv4
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, RESERVED", "0.255.255.255, RESERVED",
            "10.0.0.0, PRIVATE", "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "9.255.255.255, PUBLIC", "11.0.0.0, PUBLIC",
            "100.63.255.255, PUBLIC", "100.64.0.0, SHARED", "100.127.255.255, SHARED", "100.128.0.0, PUBLIC",
            "100.100.100.200, METADATA",
            "126.255.255.255, PUBLIC", "127.0.0.1, LOOPBACK", "127.0.0.2, LOOPBACK", "127.255.255.255, LOOPBACK", "128.0.0.0, PUBLIC",
            "169.254.0.1, LINK_LOCAL", "169.254.255.255, LINK_LOCAL", "169.253.255.255, PUBLIC", "169.255.0.0, PUBLIC",
            "169.254.169.254, METADATA", "169.254.170.2, METADATA",
            "172.15.255.255, PUBLIC", "172.16.0.0, PRIVATE", "172.31.255.255, PRIVATE", "172.32.0.0, PUBLIC",
            "192.0.0.1, RESERVED", "192.0.0.255, RESERVED", "192.0.1.0, PUBLIC",
            "192.0.2.1, DOCUMENTATION", "198.51.100.7, DOCUMENTATION", "203.0.113.255, DOCUMENTATION", "203.0.114.0, PUBLIC",
            "192.88.99.1, RESERVED",
            "192.167.255.255, PUBLIC", "192.168.0.1, PRIVATE", "192.168.255.255, PRIVATE", "192.169.0.0, PUBLIC",
            "198.17.255.255, PUBLIC", "198.18.0.0, BENCHMARK", "198.19.255.255, BENCHMARK", "198.20.0.0, PUBLIC",
            "223.255.255.255, PUBLIC", "224.0.0.1, MULTICAST", "239.255.255.255, MULTICAST",
            "240.0.0.1, RESERVED", "255.255.255.254, RESERVED", "255.255.255.255, BROADCAST",
            "1.1.1.1, PUBLIC", "8.8.8.8, PUBLIC", "93.184.215.14, PUBLIC",
            // IPv6
            "::, UNSPECIFIED", "::1, LOOPBACK", "::2, RESERVED",
            "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, PRIVATE", "fbff::1, RESERVED",
            "fd00:ec2::254, METADATA", "fd00:ec2::253, PRIVATE",
            "fe80::1, LINK_LOCAL", "febf:ffff::1, LINK_LOCAL", "fec0::1, PRIVATE", "ff02::1, MULTICAST", "ff0e::101, MULTICAST",
            "2001:db8::1, DOCUMENTATION", "3fff::1, DOCUMENTATION", "3fff:fff::1, DOCUMENTATION", "3fff:1000::1, PUBLIC",
            "2001:2::1, BENCHMARK", "2001::1, RESERVED", "2001:1ff::1, RESERVED", "2001:200::1, PUBLIC",
            "100::1, RESERVED", "64:ff9b:1::1, PRIVATE",
            "2606:4700:4700::1111, PUBLIC", "2a00:1450:4001:80b::200a, PUBLIC", "4000::1, RESERVED", "1fff::1, RESERVED",
            // IPv6 carrying IPv4: mapped, compatible, NAT64, 6to4
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:7f00:1, LOOPBACK", "::ffff:10.1.2.3, PRIVATE", "::ffff:169.254.169.254, METADATA",
            "::ffff:8.8.8.8, PUBLIC", "::ffff:0.0.0.0, UNSPECIFIED",
            "::127.0.0.1, LOOPBACK", "::10.0.0.1, PRIVATE", "::8.8.8.8, PUBLIC",
            "64:ff9b::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, METADATA", "64:ff9b::c0a8:101, PRIVATE", "64:ff9b::808:808, PUBLIC",
            "2002:7f00:1::, LOOPBACK", "2002:a00:1::1, PRIVATE", "2002:a9fe:a9fe::, METADATA", "2002:808:808::1, PUBLIC",
    })
    void classifies(String address, AddressClass expected) {
        assertEquals(expected, AddressClass.of(InetAddress.ofLiteral(address)), address);
    }

    @Test
    void anIpv4MappedAddressKeptAsIpv6IsClassifiedAsItsIpv4Address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};
        Inet6Address v6 = Inet6Address.getByAddress(null, mapped, -1); // the JDK keeps this one as an Inet6Address
        byte[] loopback = mapped.clone();
        loopback[12] = 127;
        loopback[13] = 0;
        loopback[14] = 0;
        loopback[15] = 1;
        assertAll(
                () -> assertEquals(AddressClass.METADATA, AddressClass.of(v6)),
                () -> assertEquals(AddressClass.LOOPBACK, AddressClass.of(Inet6Address.getByAddress(null, loopback, -1))),
                () -> assertTrue(Cidr.parse("169.254.0.0/16").contains(v6), "an IPv4 block holds the mapped form"));
    }

    @Test
    void onlyMetadataUnspecifiedMulticastAndBroadcastAreNeverAllowed() {
        for (AddressClass c : AddressClass.values()) {
            boolean never = c == AddressClass.METADATA || c == AddressClass.UNSPECIFIED || c == AddressClass.MULTICAST
                    || c == AddressClass.BROADCAST;
            assertEquals(never, c.neverAllowed(), c.name());
        }
        assertFalse(AddressClass.PUBLIC.neverAllowed());
        assertEquals("link_local", AddressClass.LINK_LOCAL.label());
    }
}
