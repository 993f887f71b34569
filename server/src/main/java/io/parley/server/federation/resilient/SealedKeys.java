package io.parley.server.federation.resilient;

import java.time.Instant;
import java.util.Optional;

/**
 * The channel keys this pod holds, wrapped, and the pending halves of key exchanges, sealed. One of the ports
 * {@link ResilientStore} is made of (issue 17 §3).
 */
public interface SealedKeys {
    Optional<String> wrappedKey(String orgChannelId);

    void saveKey(String orgChannelId, String wrapped);

    /** Keeps the replica's sealed half of a pending key exchange (replacing an earlier one). */
    void savePendingExchange(String orgChannelId, String sealed, Instant at);

    /** {@return the sealed half of the pending key exchange, removed: it is used once} */
    Optional<String> takePendingExchange(String orgChannelId);

    boolean hasPendingExchange(String orgChannelId);
}
