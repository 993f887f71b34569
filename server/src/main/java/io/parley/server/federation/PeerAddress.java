package io.parley.server.federation;

import java.security.PublicKey;

/** Where a pod is and the key its replies must be signed with: a linked {@link Peer}, or an inviter not linked yet. */
public record PeerAddress(String id, String url, PublicKey key) {}
