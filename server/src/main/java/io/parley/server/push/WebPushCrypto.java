package io.parley.server.push;

import io.parley.server.crypto.Hkdf;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188), one record.
 *
 * <p>Algorithm, per message:
 * <ol>
 *   <li>a fresh ephemeral P-256 key pair ({@code as}) and a fresh 16-byte salt;</li>
 *   <li>{@code ecdh_secret = ECDH(as_private, ua_public)};</li>
 *   <li>{@code IKM = HKDF(salt = auth_secret, ikm = ecdh_secret,
 *       info = "WebPush: info" 0x00 || ua_public || as_public, L = 32)};</li>
 *   <li>{@code PRK = HKDF-Extract(salt, IKM)}; {@code CEK = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" 0x00, 16)};
 *       {@code NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce" 0x00, 12)};</li>
 *   <li>body = {@code salt || rs (uint32, 4096) || idlen (65) || as_public || AES-128-GCM(CEK, NONCE, plaintext || 0x02)}
 *       — the 0x02 delimiter marks the last (only) record; no further padding.</li>
 * </ol>
 * HKDF is the JDK's ({@link Hkdf}); CEK and NONCE each repeat the Extract step, which costs one HMAC.
 */
final class WebPushCrypto {
    /** The record size written in the header. */
    static final int RECORD_SIZE = 4096;
    /** Header: salt 16, rs 4, idlen 1, key id 65. */
    static final int HEADER_BYTES = 16 + 4 + 1 + P256.POINT_BYTES;
    /** GCM tag. */
    static final int TAG_BYTES = 16;
    /** The largest plaintext whose message stays within the 4,096 bytes every push service accepts. */
    static final int MAX_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] KEY_INFO = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);

    private WebPushCrypto() {}

    /**
     * {@return the encrypted message body} with a fresh ephemeral key and salt
     *
     * @param uaPublic the subscription's {@code p256dh} (65-byte uncompressed point)
     * @param authSecret the subscription's {@code auth} (16 bytes)
     * @throws IllegalArgumentException for a plaintext over {@link #MAX_PLAINTEXT} or a bad key
     */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, ephemeralKeyPair(), salt);
    }

    /** {@return a fresh P-256 key pair} */
    static KeyPair ephemeralKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(P256.PARAMS, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key pair", e);
        }
    }

    /** As {@link #encrypt(byte[], byte[], byte[])} with a given key pair and salt (the RFC's test vector). */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair as, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("push payload of " + plaintext.length + " bytes exceeds " + MAX_PLAINTEXT);
        }
        if (authSecret.length != 16) throw new IllegalArgumentException("auth secret must be 16 bytes");
        if (salt.length != 16) throw new IllegalArgumentException("salt must be 16 bytes");
        ECPublicKey ua = P256.publicKey(uaPublic);
        byte[] asPublic = P256.raw((ECPublicKey) as.getPublic());
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(as.getPrivate());
            ka.doPhase(ua, true);
            byte[] ecdhSecret = ka.generateSecret();

            byte[] ikm = keyIkm(ecdhSecret, authSecret, uaPublic, asPublic);
            byte[] cek = contentKey(ikm, salt);
            byte[] nonce = nonce(ikm, salt);

            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            byte[] record = Arrays.copyOf(plaintext, plaintext.length + 1);
            record[plaintext.length] = 0x02; // last-record delimiter
            byte[] sealed = gcm.doFinal(record);

            return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
                    .put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("push encryption failed", e);
        }
    }

    /** {@return IKM}: HKDF with the auth secret as salt over the ECDH secret, bound to both public keys */
    static byte[] keyIkm(byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic) {
        return Hkdf.sha256(ecdhSecret, authSecret, concat(KEY_INFO, uaPublic, asPublic), 32);
    }

    /** {@return CEK}: the AES-128 key of the record, from IKM and the message's salt */
    static byte[] contentKey(byte[] ikm, byte[] salt) {
        return Hkdf.sha256(ikm, salt, CEK_INFO, 16);
    }

    /** {@return NONCE}: the GCM nonce of the record, from IKM and the message's salt */
    static byte[] nonce(byte[] ikm, byte[] salt) {
        return Hkdf.sha256(ikm, salt, NONCE_INFO, 12);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }
}
