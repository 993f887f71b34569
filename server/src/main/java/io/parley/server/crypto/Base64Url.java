package io.parley.server.crypto;

import java.util.Base64;

/** Base64url without padding (RFC 4648 §5): the text form of keys, signatures, nonces and push secrets. */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    /** {@return the bytes as base64url, without padding} */
    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * {@return the bytes of base64url text}, padded or not
     *
     * @throws IllegalArgumentException if it is not base64url
     */
    public static byte[] decode(String text) {
        return DECODER.decode(text);
    }

    /**
     * {@return the bytes of base64 text in either alphabet}, padded or not, blanks around it ignored: what browsers
     * send for push subscription keys (some use the standard alphabet)
     *
     * @throws IllegalArgumentException if it is not base64
     */
    public static byte[] decodeEitherAlphabet(String text) {
        String s = text.strip().replace('+', '-').replace('/', '_');
        while (s.endsWith("=")) s = s.substring(0, s.length() - 1);
        return DECODER.decode(s);
    }
}
