package io.parley.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Mints bearer secrets (access tokens, refresh tokens, invite codes, webhook tokens) and hashes them
 * for storage. Secrets carry 256 random bits, so a fast hash (SHA-256) is enough: there is nothing
 * to guess, unlike a password.
 */
public final class TokenCodec {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenCodec() {}

    /** {@return a new URL-safe secret with 256 random bits, prefixed with a short kind tag} */
    public static String mint(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@return the hex SHA-256 of a secret, the only form in which secrets are stored} */
    public static String hash(String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
