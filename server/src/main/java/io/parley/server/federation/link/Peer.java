package io.parley.server.federation.link;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A linked pod as this pod knows it.
 *
 * @param direction who made the invitation that linked it
 * @param scoreOverride the admin's fixed health score for it, or null
 * @param tlsPin the pin of its TLS certificate's key, from its invitation or its accept call, or null
 */
public record Peer(String id, String url, String publicKey, Instant linkedAt, Direction direction, Integer scoreOverride, String tlsPin) {
    public Peer(String id, String url, String publicKey, Instant linkedAt, Direction direction, Integer scoreOverride) {
        this(id, url, publicKey, linkedAt, direction, scoreOverride, null);
    }

    /** Which side of the link made the invitation. */
    public enum Direction {
        /** This pod invited the peer. */
        WE_INVITED,
        /** The peer invited this pod. */
        THEY_INVITED;

        public String wire() { return name().toLowerCase(java.util.Locale.ROOT); }

        public static Direction fromWire(String s) { return valueOf(s.toUpperCase(java.util.Locale.ROOT)); }
    }

    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(linkedAt, "linkedAt");
        Objects.requireNonNull(direction, "direction");
    }

    /** {@return where and as whom to reach it} */
    public PeerAddress address() { return new PeerAddress(id, url, Ed25519.publicKey(publicKey), tlsPin); }

    Peer withOverride(Integer score) { return new Peer(id, url, publicKey, linkedAt, direction, score, tlsPin); }

    Peer withTlsPin(String pin) { return new Peer(id, url, publicKey, linkedAt, direction, scoreOverride, pin); }
}
