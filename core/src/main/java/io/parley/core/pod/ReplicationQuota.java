package io.parley.core.pod;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps this pod's replication within its quotas (spec 000 §5.2): how many resilient channels it hosts, how
 * many bytes of replicated logs it keeps, and how fast replication flows.
 *
 * <p>The rate is a token bucket of bytes, refilled at {@code bytesPerSecond} up to {@code burstBytes}. A batch
 * is let through when the bucket holds at least {@code min(size, burst)}; it may then leave the bucket in debt,
 * so a batch larger than the burst is not refused forever, only paid for afterwards. A batch that does not fit
 * is <em>throttled</em>: the caller keeps it (replication is a durable outbox) and retries after the returned
 * delay. A batch that would exceed the byte volume is <em>refused</em> until something is released.
 * Every refusal or throttle is counted and raises an alert, at most once per {@code alertEvery} per kind.
 * Thread-safe; alerts are delivered after the lock is released.
 */
public final class ReplicationQuota {
    private static final Logger log = LoggerFactory.getLogger(ReplicationQuota.class);

    /** The answer to {@link #admit}: admitted, or not and why, and when to try again if waiting helps. */
    public record Admission(boolean admitted, QuotaAlert.Kind limitedBy, Duration retryAfter) {
        static final Admission OK = new Admission(true, null, Duration.ZERO);
    }

    /** What is in use, for /metrics and the admin API. */
    public record Usage(int resilientChannels, long replicatedBytes, long availableBurstBytes,
                        Map<QuotaAlert.Kind, Long> exceeded) {}

    private final QuotaSettings settings;
    private final Clock clock;
    private final QuotaAlert alert;
    private final Set<String> channels = new HashSet<>();
    private final Map<String, Long> bytesByChannel = new HashMap<>();
    private final Map<QuotaAlert.Kind, Long> exceeded = new EnumMap<>(QuotaAlert.Kind.class);
    private final Map<QuotaAlert.Kind, Long> lastAlert = new EnumMap<>(QuotaAlert.Kind.class);
    private long totalBytes;
    private double tokens;
    private long refilledAt;

    public ReplicationQuota(QuotaSettings settings, Clock clock, QuotaAlert alert) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.alert = Objects.requireNonNull(alert, "alert");
        this.tokens = settings.burstBytes();
        this.refilledAt = clock.millis();
    }

    /** Registers a resilient channel; {@return false (and alerts) if that would exceed the channel limit} */
    public boolean addResilientChannel(String channelId) {
        Objects.requireNonNull(channelId, "channelId");
        Runnable pendingAlert;
        synchronized (this) {
            if (channels.contains(channelId)) return true;
            if (channels.size() < settings.maxResilientChannels()) {
                channels.add(channelId);
                return true;
            }
            pendingAlert = exceed(QuotaAlert.Kind.RESILIENT_CHANNELS,
                    "resilient channel " + channelId + " refused: " + channels.size() + " of " + settings.maxResilientChannels() + " in use");
        }
        pendingAlert.run();
        return false;
    }

    /** Removes a resilient channel and releases the bytes counted for it. */
    public synchronized void removeResilientChannel(String channelId) {
        channels.remove(channelId);
        Long bytes = bytesByChannel.remove(channelId);
        if (bytes != null) totalBytes -= bytes;
    }

    /** Asks to replicate (send or store) a batch of {@code bytes} for a channel; an admitted batch is counted. */
    public Admission admit(String channelId, long bytes) {
        Objects.requireNonNull(channelId, "channelId");
        if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
        Runnable pendingAlert;
        Admission answer;
        synchronized (this) {
            refill();
            if (totalBytes + bytes > settings.maxReplicatedBytes()) {
                answer = new Admission(false, QuotaAlert.Kind.REPLICATED_BYTES, null);
                pendingAlert = exceed(QuotaAlert.Kind.REPLICATED_BYTES, "channel " + channelId + ": " + bytes
                        + " more bytes would exceed " + settings.maxReplicatedBytes() + " (" + totalBytes + " in use)");
            } else {
                double needed = Math.min(bytes, settings.burstBytes());
                if (tokens >= needed) {
                    tokens -= bytes;
                    totalBytes += bytes;
                    bytesByChannel.merge(channelId, bytes, Long::sum);
                    return Admission.OK;
                }
                long waitMillis = (long) Math.ceil((needed - tokens) * 1000.0 / settings.bytesPerSecond());
                answer = new Admission(false, QuotaAlert.Kind.REPLICATION_RATE, Duration.ofMillis(Math.max(1, waitMillis)));
                pendingAlert = exceed(QuotaAlert.Kind.REPLICATION_RATE, "channel " + channelId + " throttled: over "
                        + settings.bytesPerSecond() + " bytes/s");
            }
        }
        pendingAlert.run();
        return answer;
    }

    /**
     * Counts bytes already kept for a channel (read from storage at start), outside the rate: they were admitted
     * before. It may leave the pod over its byte limit (a lowered limit); new batches are then refused.
     */
    public synchronized void preload(String channelId, long bytes) {
        Objects.requireNonNull(channelId, "channelId");
        if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
        if (bytes == 0) return;
        totalBytes += bytes;
        bytesByChannel.merge(channelId, bytes, Long::sum);
    }

    /** Releases bytes of a channel that were garbage-collected or revoked. */
    public synchronized void release(String channelId, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
        Long held = bytesByChannel.get(channelId);
        if (held == null) return;
        long freed = Math.min(held, bytes);
        totalBytes -= freed;
        if (held - freed == 0) bytesByChannel.remove(channelId);
        else bytesByChannel.put(channelId, held - freed);
    }

    /** {@return what is in use now} */
    public synchronized Usage usage() {
        refill();
        return new Usage(channels.size(), totalBytes, (long) Math.max(0, tokens), Map.copyOf(exceeded));
    }

    private void refill() {
        long now = clock.millis();
        if (now <= refilledAt) return;
        tokens = Math.min(settings.burstBytes(), tokens + (now - refilledAt) * settings.bytesPerSecond() / 1000.0);
        refilledAt = now;
    }

    /** Counts a hit limit; {@return the alert to deliver once the lock is released (a no-op if one went out recently)} */
    private Runnable exceed(QuotaAlert.Kind kind, String detail) {
        exceeded.merge(kind, 1L, Long::sum);
        long now = clock.millis();
        Long last = lastAlert.get(kind);
        if (last != null && now - last < settings.alertEvery().toMillis()) return () -> { };
        lastAlert.put(kind, now);
        long count = exceeded.get(kind);
        return () -> {
            log.warn("Replication quota {} exceeded ({} so far): {}", kind, count, detail);
            try {
                alert.onQuotaExceeded(kind, detail);
            } catch (RuntimeException e) {
                log.warn("Quota alert failed", e);
            }
        };
    }
}
