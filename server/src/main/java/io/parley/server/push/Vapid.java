package io.parley.server.push;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Voluntary Application Server Identification (RFC 8292): an ES256-signed JWT
 * {@code {aud: origin of the endpoint, exp, sub}} sent as {@code Authorization: vapid t=<jwt>, k=<public key>}.
 *
 * <p>ES256 signatures in a JWS are the raw {@code R || S} (64 bytes), not DER; the JDK's
 * {@code SHA256withECDSAinP1363Format} produces exactly that. Tokens live {@link #TOKEN_LIFETIME} (RFC 8292
 * allows up to 24 h) and are reused per origin until an hour before they expire, so a burst of pushes to one
 * push service signs once.
 */
final class Vapid {
    /** How long a token is valid. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
    private static final Duration RENEW_BEFORE = Duration.ofHours(1);
    private static final String HEADER = P256.b64("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

    private record Token(String value, Instant expiresAt) {}

    private final ECPrivateKey privateKey;
    private final String publicKey;
    private final String subject;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /**
     * @param keys the server's VAPID key pair
     * @param subject a {@code mailto:} or {@code https:} contact for the push service's operator
     */
    Vapid(KeyPair keys, String subject, Clock clock) {
        this.privateKey = (ECPrivateKey) keys.getPrivate();
        this.publicKey = P256.b64(P256.raw((ECPublicKey) keys.getPublic()));
        this.subject = subject;
        this.clock = clock;
    }

    /** {@return the public key as base64url uncompressed point: the browser's {@code applicationServerKey}} */
    String publicKey() {
        return publicKey;
    }

    /** {@return the Authorization header value for a push to {@code endpoint}} */
    String authorization(URI endpoint) {
        String aud = origin(endpoint);
        Instant now = clock.instant();
        Token t = tokens.get(aud);
        if (t == null || !now.isBefore(t.expiresAt().minus(RENEW_BEFORE))) {
            Instant exp = now.plus(TOKEN_LIFETIME);
            t = new Token(sign(aud, exp), exp);
            tokens.put(aud, t);
        }
        return "vapid t=" + t.value() + ", k=" + publicKey;
    }

    /** {@return scheme://host[:port] of a URI}, the port only when it is not the scheme's default */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    private String sign(String aud, Instant exp) {
        String claims = "{\"aud\":\"" + jsonEscape(aud) + "\",\"exp\":" + exp.getEpochSecond()
                + ",\"sub\":\"" + jsonEscape(subject) + "\"}";
        String input = HEADER + "." + P256.b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(privateKey);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + P256.b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the VAPID token", e);
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
