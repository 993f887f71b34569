package io.parley.core.bus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node's last step of every bus: a queue and one dispatcher thread, so publishers (the store writer
 * among them) and the broker's reader never wait for listeners, and every listener sees events in the
 * order they were offered. A listener that throws is logged and the others still get the event.
 */
public final class BusDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BusDispatcher.class);

    private record Item(BusEvent event, boolean publishedHere) {}

    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final List<Bus.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts the dispatcher thread, named {@code threadName}. */
    public BusDispatcher(String threadName) {
        thread = Thread.ofPlatform().name(threadName).daemon().start(new Drain());
    }

    /** Queues an event for every listener; {@code publishedHere} says whether this node published it. */
    public void offer(BusEvent event, boolean publishedHere) {
        if (running) queue.add(new Item(event, publishedHere));
    }

    /** Registers a listener; {@return a handle that removes it} */
    public AutoCloseable subscribe(Bus.Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** {@return how many events wait} */
    public int backlog() {
        return queue.size();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    /** Drains the queue in order and hands each event to every listener. */
    private final class Drain implements Runnable {
        @Override
        public void run() {
            while (running) {
                Item item;
                try {
                    item = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (item == null) continue;
                for (Bus.Listener l : listeners) {
                    try {
                        l.onEvent(item.event(), item.publishedHere());
                    } catch (RuntimeException e) {
                        log.error("bus listener failed on {}", item.event().getClass().getSimpleName(), e);
                    }
                }
            }
        }
    }
}
