package io.parley.server.federation.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each peer's clock offset, measured on every heartbeat the way NTP does: with {@code t0} our clock when the
 * heartbeat left, {@code t2} when its reply came back and {@code t1} the peer's clock in the reply,
 * {@code offset = t1 - (t0 + t2) / 2}, wrong by at most half the round trip. Of the last {@value #SAMPLES}
 * samples the one with the shortest round trip is the estimate (NTP's minimum-delay filter), so one slow reply
 * does not make a peer look skewed. A peer whose estimate is beyond {@code pod.max_clock_skew} is flagged
 * {@linkplain #skewed skewed}: it is logged (WARN once when it becomes skewed, INFO when it is back in bound),
 * shown in /health and the admin API, and kept out of conflict-sensitive roles (spec 001 §8) by whoever asks.
 */
public final class ClockSkew {
    static final int SAMPLES = 8;
    private static final Logger log = LoggerFactory.getLogger(ClockSkew.class);

    private record Sample(long offsetMs, long rttMs) {}

    private static final class State {
        final ArrayDeque<Sample> samples = new ArrayDeque<>(SAMPLES);
        long estimateMs;
        boolean skewed;
    }

    private final long maxMs;
    private final Map<String, State> peers = new ConcurrentHashMap<>();

    ClockSkew(Duration max) {
        this.maxMs = max.toMillis();
    }

    /** Adds one heartbeat's measurement; {@return the peer's current estimate} */
    Duration sample(String peer, long t0, long t1Remote, long t2) {
        long rtt = Math.max(0, t2 - t0);
        long offset = t1Remote - (t0 + t2) / 2;
        State s = peers.computeIfAbsent(peer, k -> new State());
        boolean changed;
        long estimate;
        synchronized (s) {
            if (s.samples.size() == SAMPLES) s.samples.removeFirst();
            s.samples.addLast(new Sample(offset, rtt));
            Sample best = s.samples.getFirst();
            for (Sample x : s.samples) if (x.rttMs() < best.rttMs()) best = x;
            s.estimateMs = best.offsetMs();
            estimate = s.estimateMs;
            boolean now = Math.abs(estimate) > maxMs;
            changed = now != s.skewed;
            s.skewed = now;
        }
        if (changed && Math.abs(estimate) > maxMs) {
            log.warn("Peer {} clock is {} ms {} ours, beyond the {} ms bound: flagged skewed, kept out of conflict-sensitive roles",
                    peer, Math.abs(estimate), estimate > 0 ? "ahead of" : "behind", maxMs);
        } else if (changed) {
            log.info("Peer {} clock is back within {} ms of ours ({} ms)", peer, maxMs, estimate);
        }
        return Duration.ofMillis(estimate);
    }

    /** {@return whether the peer's clock is beyond the bound}; false for a peer never measured */
    public boolean skewed(String peer) {
        State s = peers.get(peer);
        if (s == null) return false;
        synchronized (s) {
            return s.skewed;
        }
    }

    /** {@return the peer's clock minus ours, if measured} */
    public Optional<Duration> offset(String peer) {
        State s = peers.get(peer);
        if (s == null) return Optional.empty();
        synchronized (s) {
            return Optional.of(Duration.ofMillis(s.estimateMs));
        }
    }

    void forget(String peer) {
        peers.remove(peer);
    }
}
