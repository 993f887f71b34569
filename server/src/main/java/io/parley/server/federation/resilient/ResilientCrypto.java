package io.parley.server.federation.resilient;

import io.parley.server.crypto.Hkdf;
import io.parley.server.federation.link.Ed25519;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;

/**
 * The cryptography of resilient channels, all from the JDK: AES-256-GCM for replicated content at rest and for
 * wrapping keys (a fresh 12-byte nonce per seal, prepended; the associated data binds a ciphertext to its place),
 * X25519 for the key exchange of the replication handshake, HKDF-SHA256 to turn its shared secret into a
 * wrapping key, and HMAC-SHA256 for op keys (a replicated op's identity, hashed under a key only the channel's pods
 * hold, so a replica's table can tell two copies of an op apart from two ops without showing what either is).
 * Nothing here logs.
 */
final class ResilientCrypto {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private ResilientCrypto() {}

    /** {@return a fresh 32-byte AES key} */
    static byte[] newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** {@return a MAC for op keys under the channel key: HMAC-SHA256 with a key derived from it for this use only} */
    static Mac opKeys(byte[] channelKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Hkdf.sha256(channelKey, null, "parley-replica-op-key".getBytes(StandardCharsets.UTF_8), 32), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing", e);
        }
    }

    /** {@return the op key of an op's identity: 16 bytes of its MAC, base64url} */
    static String opKey(Mac opKeys, String identity) {
        byte[] mac = opKeys.doFinal(identity.getBytes(StandardCharsets.UTF_8));
        return Ed25519.b64(java.util.Arrays.copyOf(mac, 16));
    }

    /** {@return nonce ‖ AES-256-GCM(key, plain, aad)} */
    static byte[] seal(byte[] key, byte[] plain, String aad) {
        try {
            byte[] nonce = random(NONCE);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain);
            byte[] out = new byte[NONCE + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(ct, 0, out, NONCE, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /** {@return the plaintext} @throws IllegalArgumentException if the ciphertext, key or aad do not match */
    static byte[] open(byte[] key, byte[] sealed, String aad) {
        if (sealed.length < NONCE + 16) throw new IllegalArgumentException("sealed data is too short");
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, NONCE));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("sealed data does not open with this key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }

    /** {@return a fresh ephemeral X25519 key pair} */
    static KeyPair x25519() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available", e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not an X25519 private key (PKCS#8) */
    static PrivateKey privateOf(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("X25519").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an X25519 private key", e);
        }
    }

    static String publicText(PublicKey key) {
        return Ed25519.b64(key.getEncoded());
    }

    /** @throws IllegalArgumentException if the text is not an X25519 public key */
    static PublicKey publicOf(String text) {
        try {
            return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(Ed25519.unb64(text)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an X25519 public key", e);
        }
    }

    /** {@return the wrapping key both sides derive: HKDF-SHA256(X25519(mine, theirs), salt, context)} */
    static byte[] wrappingKey(PrivateKey mine, PublicKey theirs, byte[] salt, String context) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(mine);
            ka.doPhase(theirs, true);
            byte[] shared = ka.generateSecret();
            return Hkdf.sha256(shared, salt, ("parley-replica-key\n" + context).getBytes(StandardCharsets.UTF_8), 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key agreement failed", e);
        }
    }
}
