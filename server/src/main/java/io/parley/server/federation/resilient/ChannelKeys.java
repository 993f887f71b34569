package io.parley.server.federation.resilient;

import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.Federation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channel keys this pod holds (issue 7 §5): each rests in the store sealed with a secret derived from the pod's own
 * key ({@code resilient-channel-keys}), and is kept opened in memory once used. A key that does not open (the pod key
 * was replaced) is logged and treated as absent: the primary then offers the channel again.
 */
final class ChannelKeys {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final Federation federation;
    private final SealedKeys store;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    ChannelKeys(ResilientContext ctx) {
        this.federation = ctx.federation();
        this.store = ctx.store();
    }

    /** {@return the secret the channel keys and pending key exchanges are sealed with at rest} */
    byte[] kek() {
        return federation.identity().derivedSecret("resilient-channel-keys");
    }

    void saveKey(String id, byte[] key) {
        store.saveKey(id, Ed25519.b64(ResilientCrypto.seal(kek(), key, "resilient-key\n" + id)));
        keys.put(id, key);
    }

    Optional<byte[]> key(String id) {
        byte[] k = keys.get(id);
        if (k != null) return Optional.of(k);
        Optional<String> wrapped = store.wrappedKey(id);
        if (wrapped.isEmpty()) return Optional.empty();
        try {
            k = ResilientCrypto.open(kek(), Ed25519.unb64(wrapped.get()), "resilient-key\n" + id);
        } catch (IllegalArgumentException e) {
            log.error("resilient channel {}: the stored channel key does not open with this pod's key (was the pod key replaced?)", id);
            return Optional.empty();
        }
        keys.put(id, k);
        return Optional.of(k);
    }

    /** Drops the opened key of a channel this pod no longer takes part in (the store forgets the sealed one). */
    void forget(String id) {
        keys.remove(id);
    }
}
