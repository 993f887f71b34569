package io.parley.server.federation.link;

import java.security.PublicKey;

/**
 * Where a pod is and the key its replies must be signed with: a linked {@link Peer}, or an inviter not linked yet.
 *
 * @param tlsPin the pin its TLS certificate's key must match ({@link TlsPin}), or null for CA validation
 */
public record PeerAddress(String id, String url, PublicKey key, String tlsPin) {
    public PeerAddress(String id, String url, PublicKey key) { this(id, url, key, null); }
}
