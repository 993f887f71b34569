package io.parley.server.nats;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusDispatcher;
import io.parley.core.bus.BusEvent;
import io.parley.core.bus.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scaled-out pod's {@link Bus}: core NATS subjects between nodes, ending in the same
 * {@link BusDispatcher} as the in-process bus.
 *
 * <p>Publishing an event hands it to this node's dispatcher at once (so clients on the publishing node
 * are served even while NATS is away) and publishes it on its {@linkplain Subjects subject}. The
 * connection is made with {@code noEcho}, so the broker does not send a node its own publications back;
 * every other node that watches the subject receives it, decodes it and offers it to its dispatcher.
 * A payload that does not decode is counted ({@link #badPayloads()}) and dropped.
 *
 * <p>Interest is reference-counted per subject: the first {@link #watch} subscribes (and waits for the
 * broker to confirm, so nothing committed afterwards is missed), the last {@link #unwatch} unsubscribes.
 * While NATS is away the subscriptions stay registered in the client, which re-sends them on reconnect.
 *
 * <p>Delivery between nodes is at most once: anything lost in a NATS outage (or by a node that died
 * between commit and publish) is repaired from the store by the receiving hub, which is the source of
 * truth. JetStream is therefore not used for chat events — a durable stream would store every message a
 * second time to replay what the store already replays (see docs/architecture.md).
 */
public final class NatsBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(NatsBus.class);
    private static final Duration CONFIRM = Duration.ofSeconds(2);

    private final NatsLink link;
    private final Subjects subjects;
    private final BusDispatcher local = new BusDispatcher("parley-bus-dispatcher");
    private final Dispatcher inbound;
    private final Map<String, Integer> watched = new HashMap<>();
    private final AtomicLong badPayloads = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    public NatsBus(NatsLink link) {
        this.link = link;
        this.subjects = new Subjects(link.prefix());
        this.inbound = link.connection().createDispatcher(this::onMessage);
        inbound.subscribe(subjects.pod());
        confirm();
    }

    @Override
    public void publish(BusEvent event) {
        local.offer(event, true);
        String subject = subjects.of(event);
        if (subject == null) return;
        try {
            link.connection().publish(subject, BusCodec.encode(event));
        } catch (RuntimeException e) { // reconnect buffer full, connection closed: the store has it; others repair
            if (publishFailures.getAndIncrement() % 1000 == 0) log.warn("bus publish failed ({}); other nodes will repair from the store", e.toString());
        }
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
        return local.subscribe(listener);
    }

    @Override
    public boolean selective() {
        return true;
    }

    @Override
    public void watch(Collection<Topic> topics) {
        boolean added = false;
        synchronized (watched) {
            for (Topic t : topics) {
                String s = subjects.of(t);
                if (watched.merge(s, 1, Integer::sum) == 1) {
                    inbound.subscribe(s);
                    added = true;
                }
            }
        }
        if (added) confirm();
    }

    @Override
    public void unwatch(Collection<Topic> topics) {
        synchronized (watched) {
            for (Topic t : topics) {
                String s = subjects.of(t);
                Integer n = watched.get(s);
                if (n == null) continue;
                if (n == 1) {
                    watched.remove(s);
                    inbound.unsubscribe(s);
                } else {
                    watched.put(s, n - 1);
                }
            }
        }
    }

    /** {@return how many subjects this node receives} (the pod subject and the watched ones) */
    public int watchedSubjects() {
        synchronized (watched) {
            return watched.size() + 1;
        }
    }

    /** {@return payloads from other nodes that could not be decoded, since start} */
    public long badPayloads() { return badPayloads.get(); }

    /** {@return publishes the client refused (its reconnect buffer full or closed), since start} */
    public long publishFailures() { return publishFailures.get(); }

    /** {@return events received from other nodes, since start} */
    public long received() { return received.get(); }

    /** Waits until the broker has processed our subscriptions (a round trip), unless NATS is away. */
    private void confirm() {
        if (!link.connected()) return; // the client re-sends subscriptions on reconnect; the hub repairs from the store
        try {
            link.connection().flush(CONFIRM);
        } catch (TimeoutException e) {
            log.debug("NATS did not confirm subscriptions within {}", CONFIRM);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onMessage(Message m) {
        BusEvent event;
        try {
            event = BusCodec.decode(m.getData());
        } catch (BusCodec.BadPayload e) {
            if (badPayloads.getAndIncrement() % 100 == 0) log.warn("dropped a bus payload on {}: {}", m.getSubject(), e.getMessage());
            return;
        }
        received.incrementAndGet();
        local.offer(event, false);
    }

    @Override
    public void close() {
        try {
            link.connection().closeDispatcher(inbound);
        } catch (RuntimeException e) {
            log.debug("closing the NATS dispatcher", e);
        }
        local.close();
    }
}
