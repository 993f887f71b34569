package io.parley.server.push;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.server.crypto.Base64Url;
import io.parley.server.outbound.OutboundPolicy;
import io.parley.server.outbound.OutboundRefusedException;
import io.parley.server.outbound.Purpose;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Registering, listing and removing a user's push subscriptions (the REST side of Web Push). Input is checked
 * here, each problem reported as INVALID naming the field: the endpoint must be an absolute URL, {@code keys.p256dh}
 * a point on P-256, {@code keys.auth} 16 bytes. The endpoint is a place the server will connect to, so the
 * {@link OutboundPolicy} checks it too (https, the push-host allow-list, the addresses its host resolves to now):
 * a refusal is DESTINATION_NOT_ALLOWED, and nothing is stored. The sender checks again at each send, since DNS may
 * answer otherwise by then. A user keeps at most {@link #MAX_PER_USER} subscriptions; the oldest goes when a new
 * one would exceed that.
 */
public final class PushSubscriptions {
    /** The most subscriptions (browsers, devices) one user keeps. */
    public static final int MAX_PER_USER = 20;
    static final int MAX_ENDPOINT_LENGTH = 2048;
    private static final String NOT_PUBLIC = "endpoint must be on a public host that this server can resolve";

    private final PushStore store;
    private final Vapid vapid;
    private final OutboundPolicy outbound;
    private final Clock clock;

    PushSubscriptions(PushStore store, Vapid vapid, OutboundPolicy outbound, Clock clock) {
        this.store = store;
        this.vapid = vapid;
        this.outbound = outbound;
        this.clock = clock;
    }

    /** {@return the VAPID public key, base64url: what a browser passes as {@code applicationServerKey}} */
    public String applicationServerKey() {
        return vapid.publicKey();
    }

    /**
     * Registers a subscription for the user; the same endpoint registered again by the same user keeps its id
     * and takes the new keys, registered by another user it moves to them.
     *
     * @param expirationTime milliseconds since the epoch, as {@code PushSubscription.expirationTime}, or null
     * @throws ParleyException INVALID naming the field at fault; DESTINATION_NOT_ALLOWED for an endpoint the
     *     server will not send to
     */
    public PushSubscription subscribe(UUID userId, String endpoint, String p256dh, String auth, Long expirationTime) {
        URI uri = endpoint(endpoint);
        byte[] point = decode("keys.p256dh", p256dh);
        if (!P256.isValidPoint(point)) {
            throw ParleyException.invalid("keys.p256dh must be a 65-byte uncompressed P-256 point, base64url-encoded");
        }
        byte[] secret = decode("keys.auth", auth);
        if (secret.length != 16) throw ParleyException.invalid("keys.auth must be 16 bytes, base64url-encoded");
        Instant now = clock.instant();
        Instant expires = null;
        if (expirationTime != null) {
            if (expirationTime <= now.toEpochMilli()) throw ParleyException.invalid("expirationTime must be in the future");
            expires = Instant.ofEpochMilli(expirationTime);
        }
        String normalized = uri.toString();
        UUID id = store.subscriptionByEndpoint(normalized).filter(s -> s.userId().equals(userId))
                .map(PushSubscription::id).orElseGet(Uuid7::next);
        PushSubscription s = new PushSubscription(id, userId, normalized, Base64Url.encode(point), Base64Url.encode(secret), expires, now);
        store.saveSubscription(s);
        List<PushSubscription> mine = store.subscriptionsOf(userId);
        for (int i = 0; i < mine.size() - MAX_PER_USER; i++) {
            if (!mine.get(i).id().equals(id)) store.deleteSubscription(mine.get(i).id());
        }
        return store.subscription(id).orElse(s);
    }

    /** {@return the user's subscriptions, oldest first} */
    public List<PushSubscription> of(UUID userId) {
        return store.subscriptionsOf(userId);
    }

    /** Removes one of the user's subscriptions. @throws ParleyException NOT_FOUND if it is not theirs (or gone) */
    public void unsubscribe(UUID userId, UUID subscriptionId) {
        Optional<PushSubscription> s = store.subscription(subscriptionId);
        if (s.isEmpty() || !s.get().userId().equals(userId)) throw ParleyException.notFound("no such push subscription");
        store.deleteSubscription(subscriptionId);
    }

    private URI endpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) throw ParleyException.invalid("endpoint is required");
        if (endpoint.length() > MAX_ENDPOINT_LENGTH) {
            throw ParleyException.invalid("endpoint must be at most " + MAX_ENDPOINT_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            throw ParleyException.invalid("endpoint must be an absolute https URL");
        }
        if (!uri.isAbsolute() || uri.getRawAuthority() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw ParleyException.invalid("endpoint must be an absolute https URL");
        }
        try {
            outbound.check(Purpose.WEB_PUSH, uri);
        } catch (IllegalArgumentException e) { // no host
            throw ParleyException.invalid("endpoint must be an absolute https URL");
        } catch (OutboundRefusedException e) {
            throw new ParleyException(ErrorCode.DESTINATION_NOT_ALLOWED, switch (e.kind()) {
                case SCHEME -> "endpoint must be an https URL";
                case HOST_NOT_ALLOWED -> "endpoint must be on an allowed push service";
                case ADDRESS -> NOT_PUBLIC;
            });
        } catch (UnknownHostException e) {
            // Said as for a private host: the answer must not tell a caller which internal names exist.
            throw new ParleyException(ErrorCode.DESTINATION_NOT_ALLOWED, NOT_PUBLIC);
        }
        return uri;
    }

    private static byte[] decode(String field, String value) {
        if (value == null || value.isBlank()) throw ParleyException.invalid(field + " is required");
        try {
            return Base64Url.decodeEitherAlphabet(value);
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid(field + " must be base64url");
        }
    }
}
