package io.parley.core.pod;

/**
 * Told when a peer's {@link PeerState} changes, for example to republish the routing view or to stop using
 * a dead peer as replica or relay. Called after the manager's locks are released, one change at a time, in
 * the order the changes happened; a listener that throws is logged and does not stop the others.
 */
@FunctionalInterface
public interface HealthListener {
    /** A peer moved from one state to another. */
    void onStateChange(String peer, PeerState from, PeerState to);
}
