package io.parley.server.federation.link;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A pod key pair as it rests (in the key file or the {@code pod_identity} table): both keys in text form, when it
 * was made, and a SHA-256 checksum over all of it, so that a flipped bit or a truncated copy is found on start
 * instead of signing garbage.
 */
public record StoredKey(String publicKey, String privateKey, Instant createdAt, String checksum) {
    private static final String DOMAIN = "parley-pod-key-v1";

    /** {@return a fresh key pair, sealed with its checksum} */
    public static StoredKey seal(KeyPair pair, Instant now) {
        String pub = Ed25519.text(pair.getPublic());
        String priv = Ed25519.text(pair.getPrivate());
        Instant at = Instant.ofEpochMilli(now.toEpochMilli());
        return new StoredKey(pub, priv, at, checksumOf(pub, priv, at));
    }

    /**
     * {@return the key pair, after checking the checksum and that it signs what it verifies}
     * @param where the file or table it came from, named in the error
     * @throws PodKeyException if anything is off
     */
    KeyPair open(String where) {
        if (publicKey == null || privateKey == null || createdAt == null || checksum == null) {
            throw PodKeyException.damaged(where, "a field is missing");
        }
        if (!MessageDigest.isEqual(checksumOf(publicKey, privateKey, createdAt).getBytes(StandardCharsets.US_ASCII),
                checksum.getBytes(StandardCharsets.US_ASCII))) {
            throw PodKeyException.damaged(where, "its checksum does not match its content");
        }
        KeyPair pair;
        try {
            pair = new KeyPair(Ed25519.publicKey(publicKey), Ed25519.privateKey(privateKey));
        } catch (IllegalArgumentException e) {
            throw PodKeyException.damaged(where, "it does not hold an Ed25519 key pair");
        }
        byte[] probe = (DOMAIN + " self-test " + createdAt.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
        if (!Ed25519.verify(pair.getPublic(), probe, Ed25519.sign(pair.getPrivate(), probe))) {
            throw PodKeyException.damaged(where, "its private and public keys do not belong together");
        }
        return pair;
    }

    private static String checksumOf(String pub, String priv, Instant at) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest((DOMAIN + "\n" + pub + "\n" + priv + "\n" + at.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() { // keeps the private key out of logs
        return "StoredKey[publicKey=" + publicKey + ", createdAt=" + createdAt + "]";
    }
}
