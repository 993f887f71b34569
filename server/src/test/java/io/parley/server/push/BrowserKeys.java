package io.parley.server.push;

import io.parley.server.crypto.Base64Url;
import io.parley.server.crypto.Hkdf;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * The browser's side of RFC 8291, for tests: a subscription key pair and auth secret, and decryption of an
 * {@code aes128gcm} body with them — written from the RFC, independent of the sender's code paths except the
 * key derivation's first step and HKDF.
 */
public final class BrowserKeys {
    private final KeyPair pair;
    private final byte[] auth;

    private BrowserKeys(KeyPair pair, byte[] auth) {
        this.pair = pair;
        this.auth = auth;
    }

    /** {@return a fresh browser-like subscription key pair and auth secret} */
    public static BrowserKeys generate() {
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        return new BrowserKeys(WebPushCrypto.ephemeralKeyPair(), auth);
    }

    static BrowserKeys of(byte[] privateScalar, byte[] publicPoint, byte[] auth) {
        return new BrowserKeys(new KeyPair(P256.publicKey(publicPoint), P256.privateKey(privateScalar)), auth);
    }

    /** {@return p256dh as a browser sends it: base64url, no padding} */
    public String p256dh() { return Base64Url.encode(P256.raw((ECPublicKey) pair.getPublic())); }

    /** {@return auth as a browser sends it} */
    public String auth() { return Base64Url.encode(auth); }

    /** {@return the plaintext of an aes128gcm body} @throws GeneralSecurityException if it does not decrypt */
    public byte[] decrypt(byte[] body) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        int rs = b.getInt();
        int idlen = b.get() & 0xff;
        byte[] asPublic = new byte[idlen];
        b.get(asPublic);
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        if (rs < 18 || sealed.length > rs) throw new GeneralSecurityException("record larger than rs " + rs);

        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init((ECPrivateKey) pair.getPrivate());
        ka.doPhase(P256.publicKey(asPublic), true);
        byte[] ecdh = ka.generateSecret();
        byte[] uaPublic = P256.raw((ECPublicKey) pair.getPublic());
        byte[] ikm = WebPushCrypto.keyIkm(ecdh, auth, uaPublic, asPublic);
        byte[] cek = Hkdf.sha256(ikm, salt, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = Hkdf.sha256(ikm, salt, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] record = gcm.doFinal(sealed);
        int end = record.length - 1;
        while (end >= 0 && record[end] == 0) end--; // padding
        if (end < 0 || record[end] != 0x02) throw new GeneralSecurityException("no last-record delimiter");
        return Arrays.copyOf(record, end);
    }
}
