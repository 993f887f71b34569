package io.parley.server.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Netty's epoll library for both Linux architectures a server runs on is a runtime dependency, so the shaded jar
 * carries both: without its own, a node falls back to NIO.
 */
class EpollLibrariesTest {
    private static void present(String library) {
        assertNotNull(EpollLibrariesTest.class.getClassLoader().getResource("META-INF/native/" + library),
                library + " is not on the runtime classpath (server/pom.xml: netty-transport-native-epoll)");
    }

    @Test
    void x86And64BitArmAreBothBundled() {
        assertAll(
                () -> present("libnetty_transport_native_epoll_x86_64.so"),
                () -> present("libnetty_transport_native_epoll_aarch_64.so"));
    }
}
