package io.parley.server.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.parley.core.notify.Notification;
import io.parley.core.notify.PushSender;
import io.parley.server.crypto.Base64Url;
import io.parley.server.http.Json;
import io.parley.server.outbound.OutboundPolicy;
import io.parley.server.outbound.OutboundRefusedException;
import io.parley.server.outbound.OutboundRequest;
import io.parley.server.outbound.OutboundResponse;
import io.parley.server.outbound.Purpose;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The {@link PushSender} port over Web Push: {@link #send} writes one row per subscription of the user into the
 * durable queue and returns; a named delivery thread sends due rows.
 *
 * <p><b>Delivery.</b> The thread claims up to {@link #BATCH} due rows at a time (the store moves their next
 * attempt {@link #LEASE} ahead, so another node, or this one after a crash, retries them only once the lease runs
 * out), sends them concurrently on virtual threads, then records each outcome:
 * <ul>
 *   <li>2xx: delivered, the row is deleted;</li>
 *   <li>404 or 410: the subscription is gone (RFC 8030 §7.3), it and its rows are deleted;</li>
 *   <li>429, 5xx, or no answer: retried after {@code retryBase × 2^(attempts-1)} capped at {@code retryMax},
 *       with equal jitter (half fixed, half random), never sooner than a {@code Retry-After}; after
 *       {@code maxAttempts} failures the row is dropped;</li>
 *   <li>any other status (400, 401, 403, 413, a redirect): retrying will not help, the row is dropped;</li>
 *   <li>refused by the {@link OutboundPolicy} (the endpoint's host now resolves to a private address, say, or a
 *       subscription stored before the policy existed): nothing is sent, and the subscription and its rows are
 *       deleted — it would be refused every time.</li>
 * </ul>
 * Every request goes through the {@link OutboundPolicy}: the endpoint's host is resolved once per attempt, checked,
 * and connected to at that address only.
 * A row older than its TTL is dropped unsent; the {@code TTL} header carries what remains of it. Every attempt
 * encrypts afresh (new ephemeral key and salt). Logs name rows, subscriptions and hosts, never content.
 *
 * <p><b>Waiting.</b> Between batches the thread sleeps until the earliest row is due, at most
 * {@link #IDLE_POLL} (rows left by another node), and {@link #send} wakes it. {@link #close} stops it; sends
 * interrupted mid-flight release their rows (due at once, attempt not counted), so a restart delivers them.
 */
public final class WebPushSender implements PushSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebPushSender.class);
    static final int BATCH = 32;
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration IDLE_POLL = Duration.ofSeconds(5);
    private static final Duration STORE_ERROR_PAUSE = Duration.ofSeconds(2);
    static final int MAX_TITLE = 100;
    static final int MAX_BODY = 100;

    /** The JSON a service worker receives in its {@code push} event. */
    record Payload(String title, String body, UUID chatId, UUID messageId, String priority, String url) {}

    private final PushStore store;
    private final PushSettings settings;
    private final Vapid vapid;
    private final OutboundPolicy outbound;
    private final Clock clock;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;
    private ExecutorService senders;

    WebPushSender(PushStore store, PushSettings settings, Vapid vapid, OutboundPolicy outbound, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.vapid = vapid;
        this.outbound = outbound;
        this.clock = clock;
    }

    /**
     * Queues a push to every subscription of the notification's user and wakes the delivery thread. Never
     * throws: if the queue cannot be written (database unavailable) the push is lost and that is logged — the
     * message itself is safe in the chat log and reaches the user on their next sync.
     */
    @Override
    public void send(Notification n) {
        try {
            int rows = store.enqueue(n.userId(), payload(n), n.priority() == Notification.Priority.URGENT, clock.instant());
            if (rows > 0) wake();
        } catch (RuntimeException e) {
            log.warn("push for message {} to user {} not queued: {}", n.messageId(), n.userId(), e.toString());
        }
    }

    /** {@return the payload JSON of a notification}: title and body cut to 100 characters, a relative URL */
    static String payload(Notification n) {
        String url = "/workspaces/" + n.workspaceId() + "/chats/" + n.chatId() + "?message=" + n.messageId();
        Payload p = new Payload(cut(n.title(), MAX_TITLE), cut(n.body(), MAX_BODY), n.chatId(), n.messageId(),
                n.priority() == Notification.Priority.URGENT ? "urgent" : "normal", url);
        try {
            return Json.MAPPER.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a push payload", e);
        }
    }

    /** {@return at most {@code max} code points of {@code s}, with an ellipsis when cut} */
    static String cut(String s, int max) {
        if (s == null) return "";
        if (s.codePointCount(0, s.length()) <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** Starts the delivery thread. */
    public synchronized void start() {
        if (running) return;
        running = true;
        senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-push-send-", 0).factory());
        thread = Thread.ofPlatform().name("parley-push-delivery").daemon(true).start(new Delivery());
    }

    private void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Stops delivering; rows in flight are released for the next start. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (!running) return;
        running = false;
        wake();
        senders.shutdownNow();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            senders.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The delivery loop (see the class comment). */
    private final class Delivery implements Runnable {
        @Override
        public void run() {
            while (running) {
                try {
                    Instant now = clock.instant();
                    List<QueuedPush> due = store.claimDue(now, now.plus(LEASE), BATCH);
                    if (!due.isEmpty()) {
                        deliverAll(due);
                        continue;
                    }
                    long waitMs = store.nextDue().map(t -> Duration.between(clock.instant(), t).toMillis())
                            .orElse(IDLE_POLL.toMillis());
                    pause(Math.clamp(waitMs, 10, IDLE_POLL.toMillis()));
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!running) return;
                    log.warn("push delivery: store unavailable, retrying in {}: {}", STORE_ERROR_PAUSE, e.toString());
                    try {
                        pause(STORE_ERROR_PAUSE.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void pause(long millis) throws InterruptedException {
            synchronized (signal) {
                if (!woken && running) signal.wait(millis);
                woken = false;
            }
        }

        private void deliverAll(List<QueuedPush> due) throws InterruptedException {
            List<Future<?>> inFlight = new ArrayList<>(due.size());
            for (QueuedPush p : due) {
                try {
                    inFlight.add(senders.submit(() -> deliver(p)));
                } catch (RejectedExecutionException e) {
                    store.reschedule(p.id(), p.attempts(), clock.instant()); // closing: release for the next start
                }
            }
            for (Future<?> f : inFlight) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    log.warn("push delivery failed unexpectedly", e.getCause());
                }
            }
        }
    }

    /** Sends one row and records the outcome. */
    void deliver(QueuedPush p) {
        Instant now = clock.instant();
        PushSubscription s = p.subscription();
        if (s.expiresAt() != null && !now.isBefore(s.expiresAt())) {
            log.info("push subscription {} expired; removed", s.id());
            store.deleteSubscription(s.id());
            return;
        }
        Duration ttl = p.urgent() ? settings.urgentTtl() : settings.ttl();
        long ttlLeft = ttl.minus(Duration.between(p.createdAt(), now)).toSeconds();
        if (ttlLeft <= 0) {
            log.info("push {} to subscription {} expired after {} attempts; dropped", p.id(), s.id(), p.attempts());
            store.deletePush(p.id());
            return;
        }
        OutboundRequest request;
        try {
            URI endpoint = URI.create(s.endpoint());
            byte[] body = WebPushCrypto.encrypt(p.payload().getBytes(StandardCharsets.UTF_8), Base64Url.decodeEitherAlphabet(s.p256dh()),
                    Base64Url.decodeEitherAlphabet(s.auth()));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("TTL", Long.toString(ttlLeft));
            headers.put("Urgency", p.urgent() ? "high" : "normal");
            headers.put("Content-Encoding", "aes128gcm");
            headers.put("Content-Type", "application/octet-stream");
            headers.put("Authorization", vapid.authorization(endpoint));
            if (!p.urgent()) topic(p.payload()).ifPresent(t -> headers.put("Topic", t));
            request = OutboundRequest.post(Purpose.WEB_PUSH, endpoint, headers, body);
        } catch (RuntimeException e) {
            log.warn("push {} to subscription {} cannot be built ({}); dropped", p.id(), s.id(), e.toString());
            store.deletePush(p.id());
            return;
        }
        OutboundResponse response;
        try {
            response = outbound.send(request);
        } catch (OutboundRefusedException e) {
            log.warn("push subscription {} refused by the outbound policy ({}: {}); removed", s.id(), e.reason(), e.getMessage());
            store.deleteSubscription(s.id());
            return;
        } catch (InterruptedException e) {
            // Closing: release the row for the next start without counting an attempt.
            store.reschedule(p.id(), p.attempts(), clock.instant());
            Thread.currentThread().interrupt();
            return;
        } catch (IOException e) {
            retry(p, null, e.getClass().getSimpleName());
            return;
        } catch (IllegalArgumentException e) { // no host: it was never a valid endpoint
            log.warn("push subscription {} has no usable endpoint host; removed", s.id());
            store.deleteSubscription(s.id());
            return;
        }
        String host = request.url().getHost();
        int status = response.status();
        if (status >= 200 && status < 300) {
            log.debug("push {} delivered to subscription {} ({})", p.id(), s.id(), status);
            store.deletePush(p.id());
        } else if (status == 404 || status == 410) {
            log.info("push subscription {} is gone ({} from {}); removed", s.id(), status, host);
            store.deleteSubscription(s.id());
        } else if (status == 429 || status >= 500) {
            retry(p, response.header("Retry-After").orElse(null), Integer.toString(status));
        } else {
            log.warn("push {} to subscription {} refused with {} by {}; dropped", p.id(), s.id(), status, host);
            store.deletePush(p.id());
        }
    }

    private void retry(QueuedPush p, String retryAfter, String reason) {
        int attempts = p.attempts() + 1;
        if (attempts >= settings.maxAttempts()) {
            log.warn("push {} to subscription {} dropped after {} attempts (last: {})", p.id(), p.subscription().id(),
                    attempts, reason);
            store.deletePush(p.id());
            return;
        }
        Duration delay = backoff(attempts);
        Duration asked = retryAfter(retryAfter);
        if (asked != null && asked.compareTo(delay) > 0) delay = asked.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : asked;
        log.debug("push {} attempt {} failed ({}); retry in {}", p.id(), attempts, reason, delay);
        store.reschedule(p.id(), attempts, clock.instant().plus(delay));
    }

    /** {@return the delay before the next attempt after {@code attempts} failures}: exponential, capped, equal jitter */
    Duration backoff(int attempts) {
        double full = settings.retryBase().toMillis() * Math.pow(2, Math.min(attempts - 1, 40));
        long capped = (long) Math.min(full, settings.retryMax().toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }

    private static Duration retryAfter(String header) {
        if (header == null) return null;
        try {
            long s = Long.parseLong(header.strip());
            return s > 0 ? Duration.ofSeconds(s) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP-date: our own backoff will do
        }
    }

    /** {@return a Topic (RFC 8030 §5.4) per chat: a newer normal push for a chat replaces an undelivered older one} */
    private static Optional<String> topic(String payload) {
        try {
            String chat = Json.MAPPER.readTree(payload).path("chatId").asText("");
            return chat.isEmpty() ? Optional.empty() : Optional.of(chat.replace("-", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
