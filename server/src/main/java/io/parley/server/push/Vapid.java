package io.parley.server.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.server.crypto.Base64Url;
import io.parley.server.http.Json;

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
    private static final String HEADER = Base64Url.encode(json(new Header("JWT", "ES256")));

    private record Token(String value, Instant expiresAt) {}

    /** The JOSE header of every token. */
    private record Header(String typ, String alg) {}

    /** A token's claims: the push service's origin, the expiry (seconds since the epoch), the operator's contact. */
    private record Claims(String aud, long exp, String sub) {}

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
        this.publicKey = Base64Url.encode(P256.raw((ECPublicKey) keys.getPublic()));
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
        String input = HEADER + "." + Base64Url.encode(json(new Claims(aud, exp.getEpochSecond(), subject)));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(privateKey);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64Url.encode(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the VAPID token", e);
        }
    }

    private static byte[] json(Record value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the VAPID token's JSON", e);
        }
    }
}
