package io.parley.server.federation.link;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What a pod signs. A request carries four headers:
 * <pre>
 *   Parley-Pod:       the sender's pod id
 *   Parley-Timestamp: the sender's clock, epoch milliseconds
 *   Parley-Nonce:     128 random bits, base64url
 *   Parley-Signature: base64url Ed25519 signature over
 *                     METHOD "\n" path "\n" hex(sha256(body)) "\n" timestamp "\n" nonce "\n" recipient-pod-id
 * </pre>
 * The recipient's id is signed so that a request meant for one pod cannot be replayed to another. The reply is
 * signed too ({@code Parley-Pod} and {@code Parley-Signature}), over
 * {@code "reply" "\n" status "\n" hex(sha256(body)) "\n" request-nonce "\n" requester-pod-id}, so the caller knows
 * the answer came from the pod it meant and belongs to its request (a heartbeat's clock reading, a peering
 * confirmation).
 */
public final class Signing {
    public static final String POD = "Parley-Pod";
    public static final String TIMESTAMP = "Parley-Timestamp";
    public static final String NONCE = "Parley-Nonce";
    public static final String SIGNATURE = "Parley-Signature";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signing() {}

    public static byte[] request(String method, String path, byte[] body, long timestamp, String nonce, String recipient) {
        return (method + "\n" + path + "\n" + sha256Hex(body) + "\n" + timestamp + "\n" + nonce + "\n" + recipient)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] reply(int status, byte[] body, String requestNonce, String requester) {
        return replyOfDigest(status, sha256Hex(body), requestNonce, requester);
    }

    /** {@return what a reply whose body has this digest (hex) signs: a streamed body is signed before it is read} */
    static byte[] replyOfDigest(int status, String bodySha256Hex, String requestNonce, String requester) {
        return ("reply\n" + status + "\n" + bodySha256Hex + "\n" + requestNonce + "\n" + requester).getBytes(StandardCharsets.UTF_8);
    }

    public static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Ed25519.b64(b);
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    public static byte[] sha256(byte[] data) {
        return sha256Digest().digest(data == null ? new byte[0] : data);
    }

    /** {@return a fresh SHA-256, for bodies digested as they stream} */
    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
