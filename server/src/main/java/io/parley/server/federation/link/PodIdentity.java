package io.parley.server.federation.link;

import io.parley.server.crypto.Hkdf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who this pod is to other pods: its id (config {@code pod.id}) and its Ed25519 key pair, made on first start and
 * loaded, checked (checksum and a sign/verify self-test) on every later one. A key that fails the check stops the
 * node ({@link PodKeyException}): signing with a damaged key would only get every request refused by the peers.
 */
public final class PodIdentity {
    private static final Logger log = LoggerFactory.getLogger(PodIdentity.class);

    private final String id;
    private final KeyPair keys;
    private final String publicKeyText;

    PodIdentity(String id, KeyPair keys) {
        this.id = id;
        this.keys = keys;
        this.publicKeyText = Ed25519.text(keys.getPublic());
    }

    /** Loads the key from its place, or makes and stores one if there is none yet. */
    static PodIdentity loadOrCreate(String id, KeyPlace place, Clock clock) {
        Optional<StoredKey> stored = place.read();
        StoredKey key;
        if (stored.isPresent()) {
            key = stored.get();
        } else {
            key = place.createIfAbsent(StoredKey.seal(Ed25519.generate(), clock.instant()));
            log.info("created this pod's key pair in {}", place.describe());
        }
        PodIdentity me = new PodIdentity(id, key.open(place.describe()));
        log.info("pod {} has public key fingerprint {}", id, me.fingerprint());
        return me;
    }

    /** {@return this pod's id} */
    public String id() { return id; }

    /** {@return the public key} */
    public PublicKey publicKey() { return keys.getPublic(); }

    /** {@return the public key in its text form (base64url of the X.509 encoding)} */
    public String publicKeyText() { return publicKeyText; }

    /** {@return the first 16 hex digits of the public key's SHA-256, for logs and admins comparing keys by eye} */
    public String fingerprint() { return fingerprint(publicKeyText); }

    static String fingerprint(String publicKeyText) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(publicKeyText.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the signature of the data} */
    public byte[] sign(byte[] data) { return Ed25519.sign(keys.getPrivate(), data); }

    /**
     * {@return 32 bytes derived from this pod's private key for one purpose (HKDF-SHA256)} Used to wrap secrets this
     * pod keeps in its database (the keys of resilient channels), so a copy of the database alone does not open them.
     */
    public byte[] derivedSecret(String purpose) {
        return Hkdf.sha256(keys.getPrivate().getEncoded(), ("parley-pod-secret\n" + id).getBytes(StandardCharsets.UTF_8),
                purpose.getBytes(StandardCharsets.UTF_8), 32);
    }

    @Override
    public String toString() { return "PodIdentity[" + id + ", " + fingerprint() + "]"; }
}
