package io.parley.server.federation.link;

import io.parley.server.crypto.Base64Url;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519: key generation, signing, verification, and the text form keys travel in (base64url without padding of
 * the X.509 encoding for public keys, PKCS#8 for private ones).
 *
 * <p>Keys are the JDK's ({@code KeyPairGenerator}, {@code KeyFactory}); signing and verifying use Bouncy Castle's
 * RFC 8032 arithmetic on the raw key bytes, which is several times faster than the JDK provider's (measured here:
 * verify ≈ 60 µs against ≈ 430 µs, sign ≈ 50 µs against ≈ 420 µs), and every pod request, reply and org envelope is
 * signed and checked. The signatures are the same bytes either way (Ed25519 is deterministic). A key the raw path
 * cannot read (another provider's) goes through the JDK provider.
 */
public final class Ed25519 {
    /** The X.509 SubjectPublicKeyInfo of an Ed25519 key, up to the 32 raw bytes (RFC 8410). */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    /** Raw private and public bytes per private key (a pod signs with one key; tests with a few). */
    private static final java.util.Map<PrivateKey, byte[][]> SIGNING = new java.util.concurrent.ConcurrentHashMap<>();

    private Ed25519() {}

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] data) {
        byte[][] raw = SIGNING.get(key);
        if (raw == null && key instanceof java.security.interfaces.EdECPrivateKey ed && ed.getBytes().isPresent()) {
            byte[] sk = ed.getBytes().get();
            byte[] pk = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(sk, 0, pk, 0);
            if (SIGNING.size() > 64) SIGNING.clear();
            SIGNING.put(key, raw = new byte[][] {sk, pk});
        }
        if (raw != null) {
            byte[] sig = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(raw[0], 0, raw[1], 0, data, 0, data.length, sig, 0);
            return sig;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** {@return whether the signature is the key's over the data}; a malformed signature is simply false */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        byte[] spki = key.getEncoded();
        if (spki != null && spki.length == SPKI_PREFIX.length + 32
                && java.util.Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            if (signature == null || signature.length != org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE) return false;
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, spki, SPKI_PREFIX.length, data, 0, data.length);
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String text(PublicKey key) { return Base64Url.encode(key.getEncoded()); }

    static String text(PrivateKey key) { return Base64Url.encode(key.getEncoded()); }

    /** @throws IllegalArgumentException if the text is not an Ed25519 public key */
    static PublicKey publicKey(String text) {
        try {
            PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64Url.decode(text)));
            if (!"EdDSA".equals(k.getAlgorithm()) && !"Ed25519".equals(k.getAlgorithm())) throw new IllegalArgumentException("not Ed25519");
            return k;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** @throws IllegalArgumentException if the text is not an Ed25519 private key */
    static PrivateKey privateKey(String text) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64Url.decode(text)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 private key", e);
        }
    }

    // The pod protocol's text form of bytes, under the names its call sites use (many in Org* and Resilient*).
    public static String b64(byte[] bytes) { return Base64Url.encode(bytes); }

    /** @throws IllegalArgumentException if not base64url */
    public static byte[] unb64(String text) { return Base64Url.decode(text); }
}
