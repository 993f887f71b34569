package io.parley.server.bench;

import org.HdrHistogram.Recorder;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters and histograms shared by every connection; recording is thread-safe and cheap. */
final class Stats {
    /** Latencies in microseconds, up to 10 minutes. */
    final Recorder deliverLatency = new Recorder(600_000_000L, 3);
    final Recorder ackLatency = new Recorder(600_000_000L, 3);
    /** Deliveries whose sender is connected to another node than the receiver (a pod run with --nodes). */
    final Recorder crossDeliverLatency = new Recorder(600_000_000L, 3);
    /** The node of each sender (by sender index), or null when every connection goes to one server. */
    volatile int[] senderNode;
    final LongAdder sent = new LongAdder();
    final LongAdder sentInWindow = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder ackedInWindow = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveredInWindow = new LongAdder();
    final LongAdder duplicated = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder failedSends = new LongAdder();
    final LongAdder skippedSends = new LongAdder();
    final LongAdder typingSent = new LongAdder();
    final LongAdder typingReceived = new LongAdder();
    final LongAdder presenceSent = new LongAdder();
    final LongAdder presenceReceived = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    /** Per chat id: the seqs acknowledged to a sender. */
    final Map<String, BitSet> ackedSeqs = new ConcurrentHashMap<>();

    /** Measurement window in System.nanoTime, set before sending starts. */
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    void error(String code) {
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    void close(String why) {
        closes.computeIfAbsent(why, k -> new LongAdder()).increment();
    }

    void acked(String chatId, long seq) {
        BitSet b = ackedSeqs.computeIfAbsent(chatId, k -> new BitSet());
        synchronized (b) {
            b.set((int) seq);
        }
    }

    long ackedCount(String chatId) {
        BitSet b = ackedSeqs.get(chatId);
        if (b == null) return 0;
        synchronized (b) {
            return b.cardinality();
        }
    }

    BitSet ackedCopy(String chatId) {
        BitSet b = ackedSeqs.get(chatId);
        if (b == null) return new BitSet();
        synchronized (b) {
            return (BitSet) b.clone();
        }
    }
}
