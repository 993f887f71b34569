package io.parley.core.bus;

import java.util.Collection;

/**
 * Carries committed events to every node, the publisher's own included: the one delivery path.
 * The in-process bus and the NATS bus implement it; a single node is not a special case.
 * Delivery is at least once and, per chat, in publish order from one publisher; a node that still
 * sees a seq gap repairs it from the store.
 *
 * <p>Interest. A pod's bus is {@linkplain #selective() selective}: it delivers a chat's events (and a
 * user's) to a node only while something on the node {@linkplain #watch watches} that topic — the hub
 * watches the chats of its connected users — plus every event the node published itself and the
 * pod-wide events (membership and chat changes). The in-process bus delivers everything and ignores
 * interest.
 */
public interface Bus extends AutoCloseable {
    /** Publishes an event; never blocks on slow subscribers (nor, for a pod's bus, on the broker). */
    void publish(BusEvent event);

    /** Registers a listener for every event this node receives; {@return a handle that removes it} */
    AutoCloseable subscribe(Listener listener);

    /** {@return whether this bus delivers only watched topics (a pod's bus), so callers must declare interest} */
    default boolean selective() {
        return false;
    }

    /**
     * Starts delivering these topics' events to this node (reference-counted: each watch needs its
     * unwatch). Returns once the broker has the interest, so an event committed afterwards arrives.
     */
    default void watch(Collection<Topic> topics) {}

    /** Ends one watch of each topic; a topic nobody watches any more stops arriving. */
    default void unwatch(Collection<Topic> topics) {}

    @Override
    void close();

    /** Receives bus events, on a bus thread. Implementations must not block for long. */
    @FunctionalInterface
    interface Listener {
        void onEvent(BusEvent event);

        /**
         * Receives an event with where it came from: {@code publishedHere} is true for the events this node
         * published. Work the pod must do once per event (push to people who are offline, a shared search
         * index) keys on it; everything else ignores it (the default).
         */
        default void onEvent(BusEvent event, boolean publishedHere) {
            onEvent(event);
        }
    }
}
