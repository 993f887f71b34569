package io.parley.server.outbound;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host patterns, as {@code outbound.push_hosts} reads them. */
class HostPatternTest {
    @Test
    void hostPatternsMatchANameOrTheNamesUnderADomain() {
        HostPattern fcm = HostPattern.parse("FCM.googleapis.com.");
        HostPattern windows = HostPattern.parse("*.notify.windows.com");
        HostPattern ip = HostPattern.parse("127.0.0.1");
        assertAll(
                () -> assertTrue(fcm.matches("fcm.googleapis.com")),
                () -> assertFalse(fcm.matches("evil-fcm.googleapis.com")),
                () -> assertTrue(windows.matches("wns2-par02p.notify.windows.com")),
                () -> assertFalse(windows.matches("notify.windows.com"), "the domain itself is not under it"),
                () -> assertFalse(windows.matches("evilnotify.windows.com")),
                () -> assertTrue(ip.matches("127.0.0.1")),
                () -> assertEquals("*.notify.windows.com", windows.toString()),
                () -> assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("push service")),
                () -> assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("*.*.example.com")),
                () -> assertThrows(IllegalArgumentException.class, () -> HostPattern.parse("https://fcm.googleapis.com/")));
    }
}
