package io.parley.server.federation.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.http.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A peering invitation as the admins pass it around: base64url (no padding) of this JSON. It names the inviting pod
 * (id, public URL, public key) and carries a one-time token; the inviter keeps only the token's SHA-256.
 *
 * @param v the format version (1)
 * @param expiresAt epoch milliseconds after which the inviter refuses the token
 * @param tlsPin the pin of the inviter's TLS certificate key ({@link TlsPin}; an https URL only), or null
 */
public record Invitation(int v, String podId, String url, String publicKey, String token, long expiresAt, String tlsPin) {
    /** {@return the invitation string} */
    String encode() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.MAPPER.writeValueAsBytes(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the invitation in the string} @throws ParleyException INVALID_INVITATION if it is not one */
    static Invitation decode(String text) {
        if (text == null || text.isBlank() || text.length() > 4096) throw invalid("an invitation string is required");
        Invitation inv;
        try {
            byte[] json = Base64.getUrlDecoder().decode(text.strip());
            inv = PodRoutes.parse(json, Invitation.class);
        } catch (IllegalArgumentException | ParleyException e) {
            throw invalid("this is not a Parley pod invitation");
        }
        if (inv.v() != 1) throw invalid("unsupported invitation version " + inv.v());
        if (inv.podId() == null || !inv.podId().matches("^[a-z0-9][a-z0-9.-]{0,62}$")) throw invalid("the invitation's pod id is not valid");
        if (inv.url() == null || !inv.url().matches("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")) throw invalid("the invitation's URL is not valid");
        if (inv.token() == null || inv.token().length() < 16) throw invalid("the invitation has no token");
        if (inv.tlsPin() != null && (!TlsPin.valid(inv.tlsPin()) || !inv.url().startsWith("https://"))) {
            throw invalid("the invitation's TLS pin is not sha256/<base64> of 32 bytes for an https URL");
        }
        try {
            Ed25519.publicKey(inv.publicKey());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("the invitation's public key is not an Ed25519 key");
        }
        return inv;
    }

    static String tokenHash(String token) {
        return Signing.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    private static ParleyException invalid(String message) {
        return new ParleyException(ErrorCode.INVALID_INVITATION, message);
    }

    @Override
    public String toString() { // the token is a secret
        return "Invitation[" + podId + ", " + url + "]";
    }
}
