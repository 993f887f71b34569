package io.parley.server.federation;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 with the JDK's own provider: key generation, signing, verification, and the text form keys travel
 * in (base64url without padding of the X.509 encoding for public keys, PKCS#8 for private ones).
 */
final class Ed25519 {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private Ed25519() {}

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] data) {
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
    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String text(PublicKey key) { return B64.encodeToString(key.getEncoded()); }

    static String text(PrivateKey key) { return B64.encodeToString(key.getEncoded()); }

    /** @throws IllegalArgumentException if the text is not an Ed25519 public key */
    static PublicKey publicKey(String text) {
        try {
            PublicKey k = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(B64D.decode(text)));
            if (!"EdDSA".equals(k.getAlgorithm()) && !"Ed25519".equals(k.getAlgorithm())) throw new IllegalArgumentException("not Ed25519");
            return k;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** @throws IllegalArgumentException if the text is not an Ed25519 private key */
    static PrivateKey privateKey(String text) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(B64D.decode(text)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 private key", e);
        }
    }

    static String b64(byte[] bytes) { return B64.encodeToString(bytes); }

    /** @throws IllegalArgumentException if not base64url */
    static byte[] unb64(String text) { return B64D.decode(text); }
}
