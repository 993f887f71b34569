package io.parley.server.crypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Base64url as the pod protocol and Web Push write and read it. */
class Base64UrlTest {
    private static final byte[] BYTES = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x01};

    @Test
    void writesTheUrlAlphabetWithoutPadding() {
        assertEquals("-_-_AQ", Base64Url.encode(BYTES));
    }

    @Test
    void readsTheUrlAlphabetPaddedOrNotAndNothingElse() {
        assertAll(
                () -> assertArrayEquals(BYTES, Base64Url.decode("-_-_AQ")),
                () -> assertArrayEquals(BYTES, Base64Url.decode("-_-_AQ==")),
                () -> assertThrows(IllegalArgumentException.class, () -> Base64Url.decode("+/+/AQ")),
                () -> assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(" -_-_AQ")));
    }

    @Test
    void readsWhatBrowsersSendInEitherAlphabet() {
        assertAll(
                () -> assertArrayEquals(BYTES, Base64Url.decodeEitherAlphabet("-_-_AQ")),
                () -> assertArrayEquals(BYTES, Base64Url.decodeEitherAlphabet("+/+/AQ==")),
                () -> assertArrayEquals(BYTES, Base64Url.decodeEitherAlphabet(" -_-_AQ\n")),
                () -> assertThrows(IllegalArgumentException.class, () -> Base64Url.decodeEitherAlphabet("-_-_A*")));
    }
}
