package io.parley.core.bus;

/**
 * The single-node bus: every event goes through one {@link BusDispatcher} (a queue and one thread),
 * so publishers never wait for fan-out and every listener sees events in publish order. Every event
 * is this node's own, and interest is irrelevant: everything is delivered.
 */
public final class InProcessBus implements Bus {
    private final BusDispatcher dispatcher = new BusDispatcher("parley-bus-dispatcher");

    @Override
    public void publish(BusEvent event) {
        dispatcher.offer(event, true);
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        return dispatcher.subscribe(listener);
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
