package io.parley.server.crypto;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The JDK's HKDF gives RFC 5869's bytes (Appendix A, the SHA-256 cases), and reads a missing salt as the RFC's
 * default, as the hand-written HKDF it replaced did. RFC 8291's example (WebPushCryptoTest) checks it again inside
 * Web Push.
 */
class HkdfTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] run(int from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (from + i);
        return b;
    }

    @Test
    void testCase1Basic() {
        byte[] ikm = HEX.parseHex("0b".repeat(22));
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Hkdf.sha256(ikm, HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42));
    }

    @Test
    void testCase2LongerInputsAndOutput() {
        assertArrayEquals(HEX.parseHex("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                        + "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
                Hkdf.sha256(run(0x00, 80), run(0x60, 80), run(0xb0, 80), 82));
    }

    @Test
    void testCase3NoSaltNoInfo() {
        byte[] ikm = HEX.parseHex("0b".repeat(22));
        byte[] okm = HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
        assertAll(
                () -> assertArrayEquals(okm, Hkdf.sha256(ikm, new byte[0], new byte[0], 42), "empty salt"),
                () -> assertArrayEquals(okm, Hkdf.sha256(ikm, null, new byte[0], 42), "no salt"),
                () -> assertArrayEquals(okm, Hkdf.sha256(ikm, new byte[32], new byte[0], 42), "the default: 32 zero bytes"));
    }
}
