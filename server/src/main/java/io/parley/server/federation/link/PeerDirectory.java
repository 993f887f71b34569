package io.parley.server.federation.link;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The linked peers, read from the store and cached briefly: every inbound request looks its sender up, and a
 * peer linked or unlinked on another node of the pod must be seen here within {@link #TTL_MS}. A pod that is not
 * linked is looked up in the store every time (it is refused anyway).
 */
public final class PeerDirectory {
    static final long TTL_MS = 2_000;

    private record Entry(Peer peer, PublicKey key, long loadedAt) {}

    private final PodStore store;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    PeerDirectory(PodStore store) {
        this.store = store;
    }

    /** {@return every linked peer, read from the store now} */
    public List<Peer> all() {
        List<Peer> peers = store.peers();
        long now = System.nanoTime() / 1_000_000;
        cache.keySet().retainAll(peers.stream().map(Peer::id).toList());
        for (Peer p : peers) cache.put(p.id(), entry(p, now));
        return peers;
    }

    /** {@return the linked peer with this id} */
    public Optional<Peer> find(String id) {
        return entry(id).map(Entry::peer);
    }

    /** {@return the public key of the linked peer with this id} */
    public Optional<PublicKey> key(String id) {
        return entry(id).map(Entry::key);
    }

    private Optional<Entry> entry(String id) {
        long now = System.nanoTime() / 1_000_000;
        Entry e = cache.get(id);
        if (e != null && now - e.loadedAt() < TTL_MS) return Optional.of(e);
        Optional<Peer> p = store.peer(id);
        if (p.isEmpty()) {
            cache.remove(id);
            return Optional.empty();
        }
        Entry fresh = entry(p.get(), now);
        cache.put(id, fresh);
        return Optional.of(fresh);
    }

    private static Entry entry(Peer p, long now) {
        return new Entry(p, Ed25519.publicKey(p.publicKey()), now);
    }

    /** Saves a changed peer and forgets its cached entry. */
    void save(Peer peer) {
        store.savePeer(peer);
        invalidate(peer.id());
    }

    /** Forgets the cached entry after a local change. */
    void invalidate(String id) {
        cache.remove(id);
    }
}
