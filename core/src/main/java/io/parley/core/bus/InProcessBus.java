package io.parley.core.bus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single-node bus: a queue and one dispatcher thread, so publishers (the store writer among
 * them) never wait for fan-out, and every listener sees events in publish order.
 */
public final class InProcessBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(InProcessBus.class);

    private final LinkedBlockingQueue<BusEvent> queue = new LinkedBlockingQueue<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread dispatcher;
    private volatile boolean running = true;

    public InProcessBus() {
        dispatcher = Thread.ofPlatform().name("parley-bus-dispatcher").daemon().start(new Dispatcher());
    }

    @Override
    public void publish(BusEvent event) {
        if (running) queue.add(event);
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
    }

    /** Drains the queue in order and hands each event to every listener. */
    private final class Dispatcher implements Runnable {
        @Override
        public void run() {
            while (running) {
                BusEvent event;
                try {
                    event = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (event == null) continue;
                for (Listener l : listeners) {
                    try {
                        l.onEvent(event);
                    } catch (RuntimeException e) {
                        log.error("bus listener failed on {}", event.getClass().getSimpleName(), e);
                    }
                }
            }
        }
    }
}
