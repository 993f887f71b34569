package io.parley.server.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's meters: connections, frames in and out, sends, errors by code, persist and fan-out latency. */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter framesIn;
    private final Counter deliveries;
    private final Counter gapRepairs;
    private final Counter sent;
    private final ConcurrentHashMap<String, Counter> framesInByType = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> framesOut = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final Timer persist;
    private final Timer fanout;
    private final Timer commitToDeliver;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("parley_ws_connections", connections);
        framesIn = Counter.builder("parley_ws_frames_in").description("frames received from clients").register(registry);
        deliveries = Counter.builder("parley_ws_deliveries").description("event frames written to connections").register(registry);
        sent = registry.counter("parley_messages_sent");
        gapRepairs = Counter.builder("parley_gap_repairs").description("seq gaps repaired from the store").register(registry);
        persist = Timer.builder("parley_persist_latency").description("append to commit of a log command")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        fanout = Timer.builder("parley_fanout_latency").description("encode and enqueue one event to all local recipients")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        commitToDeliver = Timer.builder("parley_event_to_delivery_latency").description("event time to hand-off to connections")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    void connectionOpened() { connections.incrementAndGet(); }
    void connectionClosed() { connections.decrementAndGet(); }
    void frameIn(String type) {
        framesIn.increment();
        tagged(framesInByType, "parley_ws_frames_in_by_type", "type", type).increment();
    }

    void frameOut(String type) { tagged(framesOut, "parley_ws_frames_out", "type", type).increment(); }
    void sent() { sent.increment(); }
    void error(String code) { tagged(errors, "parley_errors", "code", code).increment(); }

    /**
     * {@return the counter for a tag value, registered once}: these run for every frame, and a
     * registry lookup builds a meter id and walks the registry's maps each time.
     */
    private Counter tagged(ConcurrentHashMap<String, Counter> cache, String name, String tag, String value) {
        Counter c = cache.get(value);
        return c != null ? c : cache.computeIfAbsent(value, v -> registry.counter(name, tag, v));
    }
    void persisted(long nanos) { persist.record(nanos, TimeUnit.NANOSECONDS); }
    void gapRepaired() { gapRepairs.increment(); }

    void delivered(int n, long fanoutNanos, long sinceEventMillis) {
        deliveries.increment(n);
        fanout.record(fanoutNanos, TimeUnit.NANOSECONDS);
        commitToDeliver.record(sinceEventMillis, TimeUnit.MILLISECONDS);
    }
}
