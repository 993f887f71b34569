package io.parley.server.federation.resilient;

/**
 * What resilient channels keep (V70, V85): each channel's configuration, handshake outcomes, the wrapped channel key,
 * the replica feed's cursors and a replica's sealed copy of the log. Implemented by
 * {@code io.parley.server.store.SqlResilientStore}.
 *
 * <p>It is made of narrow ports, one per thing held (issue 17 §3); each part of a resilient channel takes the narrowest
 * it needs, and only the wiring sees the whole.
 */
public interface ResilientStore extends ReplicaConfigs, SealedKeys, ReplicaFeedCursors, ReplicaCopies {
}
