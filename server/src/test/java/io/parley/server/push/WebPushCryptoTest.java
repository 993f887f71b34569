package io.parley.server.push;

import io.parley.server.crypto.Base64Url;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8291 encryption against the RFC's own example (Section 5, Appendix A), and RFC 8292 tokens. */
class WebPushCryptoTest {
    // RFC 8291 Appendix A, line breaks removed.
    static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    static final String BODY = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    @Test
    void reproducesTheRfc8291ExampleByteForByte() {
        KeyPair as = new KeyPair(P256.publicKey(Base64Url.decode(AS_PUBLIC)), P256.privateKey(Base64Url.decode(AS_PRIVATE)));
        byte[] body = WebPushCrypto.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), Base64Url.decode(UA_PUBLIC),
                Base64Url.decode(AUTH), as, Base64Url.decode(SALT));
        assertEquals(BODY, Base64Url.encode(body));
    }

    @Test
    void theRfcExampleDecryptsWithTheUserAgentsKey() throws Exception {
        BrowserKeys ua = BrowserKeys.of(Base64Url.decode(UA_PRIVATE), Base64Url.decode(UA_PUBLIC), Base64Url.decode(AUTH));
        assertEquals(PLAINTEXT, new String(ua.decrypt(Base64Url.decode(BODY)), StandardCharsets.UTF_8));
    }

    @Test
    void everyMessageHasAFreshKeyAndSaltAndRoundTrips() throws Exception {
        BrowserKeys ua = BrowserKeys.generate();
        byte[] msg = "{\"title\":\"héllo 👋\"}".getBytes(StandardCharsets.UTF_8);
        byte[] a = WebPushCrypto.encrypt(msg, Base64Url.decode(ua.p256dh()), Base64Url.decode(ua.auth()));
        byte[] b = WebPushCrypto.encrypt(msg, Base64Url.decode(ua.p256dh()), Base64Url.decode(ua.auth()));
        assertAll(
                () -> assertArrayEquals(msg, ua.decrypt(a)),
                () -> assertArrayEquals(msg, ua.decrypt(b)),
                () -> assertNotEquals(Base64Url.encode(java.util.Arrays.copyOf(a, 16)), Base64Url.encode(java.util.Arrays.copyOf(b, 16)), "salt"),
                () -> assertNotEquals(Base64Url.encode(java.util.Arrays.copyOfRange(a, 21, 86)), Base64Url.encode(java.util.Arrays.copyOfRange(b, 21, 86)), "key"),
                () -> assertEquals(WebPushCrypto.HEADER_BYTES + msg.length + 1 + 16, a.length));
    }

    @Test
    void oversizedPayloadsAndBadKeysAreRefused() {
        BrowserKeys ua = BrowserKeys.generate();
        byte[] point = Base64Url.decode(ua.p256dh());
        byte[] offCurve = point.clone();
        offCurve[64] ^= 1;
        assertAll(
                () -> assertThrows(IllegalArgumentException.class,
                        () -> WebPushCrypto.encrypt(new byte[WebPushCrypto.MAX_PLAINTEXT + 1], point, Base64Url.decode(ua.auth()))),
                () -> assertEquals(4096, WebPushCrypto.HEADER_BYTES + WebPushCrypto.MAX_PLAINTEXT + 1 + 16),
                () -> assertFalse(P256.isValidPoint(offCurve)),
                () -> assertTrue(P256.isValidPoint(point)),
                () -> assertThrows(IllegalArgumentException.class, () -> P256.publicKey(offCurve)));
    }

    @Test
    void vapidTokensAreEs256JwtsForTheEndpointsOrigin() throws Exception {
        KeyPair keys = WebPushCrypto.ephemeralKeyPair();
        Instant now = Instant.parse("2026-11-23T01:00:00Z");
        Vapid vapid = new Vapid(keys, "mailto:ops@example.com", Clock.fixed(now, ZoneOffset.UTC));
        String header = vapid.authorization(URI.create("https://push.example.net:8443/wpush/v2/abc?x=1"));
        assertTrue(header.startsWith("vapid t="), header);
        String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
        String k = header.substring(header.indexOf(", k=") + 4);
        String[] parts = jwt.split("\\.");
        JsonNode head = new ObjectMapper().readTree(Base64Url.decode(parts[0]));
        JsonNode claims = new ObjectMapper().readTree(Base64Url.decode(parts[1]));
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(P256.publicKey(Base64Url.decode(k)));
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        byte[] sig = Base64Url.decode(parts[2]);
        assertAll(
                () -> assertEquals(vapid.publicKey(), k),
                () -> assertEquals(64, sig.length, "raw R||S"),
                () -> assertTrue(v.verify(sig), "signature"),
                () -> assertEquals("ES256", head.get("alg").asText()),
                () -> assertEquals("https://push.example.net:8443", claims.get("aud").asText()),
                () -> assertEquals("mailto:ops@example.com", claims.get("sub").asText()),
                () -> assertEquals(now.plus(Vapid.TOKEN_LIFETIME).getEpochSecond(), claims.get("exp").asLong()),
                () -> assertEquals("https://fcm.googleapis.com", Vapid.origin(URI.create("https://fcm.googleapis.com:443/fcm/send/x"))),
                () -> assertEquals(header, vapid.authorization(URI.create("https://push.example.net:8443/other")), "reused per origin"));
    }

    @Test
    void vapidClaimsAreJsonWhateverTheSubjectHolds() throws Exception {
        String subject = "mailto:\"ops\"\\team\u0001@example.com";
        Vapid vapid = new Vapid(WebPushCrypto.ephemeralKeyPair(), subject, Clock.systemUTC());
        String header = vapid.authorization(URI.create("https://push.example.net/x"));
        String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
        JsonNode claims = new ObjectMapper().readTree(Base64Url.decode(jwt.split("\\.")[1]));
        assertAll(
                () -> assertEquals(subject, claims.get("sub").asText()),
                () -> assertEquals(3, claims.size(), claims.toString()));
    }
}
