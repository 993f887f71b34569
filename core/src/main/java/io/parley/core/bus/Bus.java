package io.parley.core.bus;

/**
 * Carries committed events to every node, the publisher's own included: the one delivery path.
 * The in-process bus and the NATS bus implement it; a single node is not a special case.
 * Delivery is at least once and, per chat, in publish order; a node that still sees a seq gap
 * repairs it from the store.
 */
public interface Bus extends AutoCloseable {
    /** Publishes an event; never blocks on slow subscribers. */
    void publish(BusEvent event);

    /** Registers a listener for every event; {@return a handle that removes it} */
    AutoCloseable subscribe(Listener listener);

    @Override
    void close();

    /** Receives bus events, on a bus thread. Implementations must not block for long. */
    @FunctionalInterface
    interface Listener {
        void onEvent(BusEvent event);
    }
}
