package io.parley.server.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.parley.core.realtime.RateAction;
import io.parley.core.realtime.RateLimiter;
import io.parley.core.realtime.RateLimits;
import io.parley.core.realtime.TokenBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits counted across the pod: each (user, action[, scope]) token bucket is one entry of the
 * JetStream key-value bucket {@code <prefix>-limits} (memory storage), taken with compare-and-set.
 *
 * <p>Algorithm. The entry holds the tokens left and when that was computed. To take a token the node
 * refills from the elapsed time, and if a token is there it writes the new value with an expected
 * revision — normally the revision of its own last write, which it caches, so a user active on one node
 * costs one round trip per action. If another node wrote in between, the write is refused: the node
 * reads the entry and tries again (a few times). A refusal needs no write: with a cached value that is
 * stale the real bucket can only hold fewer tokens, never more, so a "no" from the cache is right.
 *
 * <p>Failure. While NATS is away, or a request does not answer within {@link NatsLink#REQUEST_TIMEOUT},
 * the node takes from its own in-memory buckets: limits still hold per node (a user spread over k nodes
 * may then do up to k times the limit), and sends never wait for the broker. Entries expire from the
 * bucket after the longest refill period (a bucket untouched that long is full again anyway).
 */
public final class NatsRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(NatsRateLimiter.class);
    private static final int ATTEMPTS = 5;

    private record Cached(double tokens, long atMillis, long revision) {}

    private final NatsLink link;
    private final RateLimits limits;
    private final TokenBuckets local;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile KeyValue kv;

    /** @param local the node's own buckets, used while NATS is away */
    public NatsRateLimiter(NatsLink link, RateLimits limits, TokenBuckets local, Clock clock) {
        this.link = link;
        this.limits = limits;
        this.local = local;
        this.clock = clock;
        link.onReconnect(() -> { kv = null; cache.clear(); }); // a restarted broker lost its memory buckets
    }

    @Override
    public Decision acquire(UUID userId, RateAction action, Object scope) {
        if (!link.connected()) return local.acquire(userId, action, scope);
        try {
            KeyValue bucket = bucket();
            return shared(bucket, key(userId, action, scope), limits.of(action));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug("shared rate limit unavailable ({}); using this node's buckets", e.toString());
            return local.acquire(userId, action, scope);
        }
    }

    private Decision shared(KeyValue bucket, String key, RateLimits.Limit limit) throws IOException, JetStreamApiException {
        double perTokenMillis = (double) limit.per().toMillis() / limit.capacity();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Cached c = cache.get(key);
            if (c == null) c = read(bucket, key);
            long now = clock.millis();
            double tokens = c == null ? limit.capacity()
                    : Math.min(limit.capacity(), c.tokens() + Math.max(0, now - c.atMillis()) / perTokenMillis);
            if (tokens < 1) {
                int retryAfter = (int) Math.max(1, Math.ceil((1 - tokens) * perTokenMillis / 1000));
                return new Decision(false, limit.capacity(), 0, retryAfter);
            }
            double left = tokens - 1;
            byte[] value = String.format(Locale.ROOT, "%.6f:%d", left, now).getBytes(StandardCharsets.UTF_8);
            try {
                long revision = c == null ? bucket.create(key, value) : bucket.update(key, value, c.revision());
                if (cache.size() > 200_000) cache.clear();
                cache.put(key, new Cached(left, now, revision));
                return new Decision(true, limit.capacity(), (int) Math.floor(left), 0);
            } catch (JetStreamApiException e) { // another node wrote first (or the entry expired): read and retry
                cache.remove(key);
            }
        }
        throw new IllegalStateException("rate-limit entry " + key + " contended " + ATTEMPTS + " times");
    }

    private static Cached read(KeyValue bucket, String key) throws IOException, JetStreamApiException {
        KeyValueEntry e = bucket.get(key);
        if (e == null || e.getValue() == null) return null;
        String[] parts = new String(e.getValue(), StandardCharsets.UTF_8).split(":");
        return new Cached(Double.parseDouble(parts[0]), Long.parseLong(parts[1]), e.getRevision());
    }

    private KeyValue bucket() throws IOException, JetStreamApiException {
        KeyValue b = kv;
        if (b == null) {
            Duration longest = Duration.ZERO;
            for (RateAction a : RateAction.values()) if (limits.of(a).per().compareTo(longest) > 0) longest = limits.of(a).per();
            b = link.bucket("limits", longest.plusMinutes(1));
            kv = b;
        }
        return b;
    }

    private static String key(UUID userId, RateAction action, Object scope) {
        String base = userId + "." + action.name().toLowerCase(Locale.ROOT);
        return scope == null ? base : base + "." + scope.toString().replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
