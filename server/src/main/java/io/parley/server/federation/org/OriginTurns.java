package io.parley.server.federation.org;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;

/**
 * Whose turn it is: keeps each origin's batches of an org channel in the origin's order on this pod, so its log holds
 * every origin's ops in the origin's order whatever the transport does (ARCHITECTURE.md, "Pods keep per-origin order").
 *
 * <h2>The algorithm</h2>
 * A batch names {@code prev}, the origin seq its predecessor (the batch the origin sent this pod before it) ended with.
 * It may be submitted to the log once its predecessor was <em>submitted on this node</em> (the log writer is FIFO, so
 * it commits after it) or <em>applied on any node of the pod</em>. Per (origin, channel), a {@link Position} remembers
 * the first ({@code submittedThrough}, under the stream's lock) and what this node applied; the store keeps the pod's
 * mark ({@code org_inbound_marks}), which every node of a scaled-out pod reads. A batch whose turn has not come waits on
 * the stream's condition — signalled when a batch of the stream is submitted or settles here — and looks in the store
 * every {@link #POLL} for another node's progress, for at most {@link #HOLD}; then the caller refuses it
 * ({@code out_of_order}) with how far the stream is applied, and the origin sends again in order.
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>The store's mark is written after the batch's answer, one write at a time per stream and of the newest value,
 *       so a backlog's marks coalesce (with SQLite each write is a sync on the one write connection the log writer
 *       needs). It may trail what is applied by the write under way, never lead it: a node reading it a moment behind
 *       holds a batch a moment longer; after a crash a sender is told a little less than it sent and resends it
 *       (duplicates). {@link #flush} writes every mark on a clean stop.</li>
 *   <li>After a failed batch, {@code submittedThrough} is forgotten: what was submitted behind the last mark may not
 *       be in the log, so only what was applied counts until the origin sends again.</li>
 *   <li>A stream with no mark (it began before marks were kept) is applied through the greatest origin seq among its
 *       ops' client ids in the log ({@link OrgInbound#clientId}): one index probe.</li>
 * </ul>
 */
final class OriginTurns {
    private static final Logger log = LoggerFactory.getLogger(OriginTurns.class);
    /**
     * How long a batch that came before its predecessor waits for it: long enough for a predecessor that is merely
     * slower (a larger batch, a relay's extra hop) to be applied, short against the sender's 10 s call deadline.
     */
    static final Duration HOLD = Duration.ofSeconds(3);
    /** How often a held batch looks in the store for its predecessor (applied by another node of a scaled-out pod). */
    private static final Duration POLL = Duration.ofMillis(20);
    /** The greatest seq of a live op: restored ops take seqs above it ({@link OrgInbound#clientId}). */
    private static final long MAX_LIVE_SEQ = (1L << 62) - 1;

    private final OriginMarks store;
    private final Clock clock;
    private final MeterRegistry registry;
    /** {@code parley_pod_org_batches_overtaken_total} by outcome. */
    private final Map<String, Counter> overtaken = new ConcurrentHashMap<>();

    OriginTurns(OriginMarks store, Clock clock, MeterRegistry registry) {
        this.store = store;
        this.clock = clock;
        this.registry = registry;
    }

    /** Where one origin's ops of one org channel stand on this node. */
    static final class Position {
        final String origin;
        final String orgChannelId;
        /** The high half of the client ids of the stream's ops. */
        final long clientIdHigh;
        /** The origin seq through which batches were submitted here in order since the last failure, -1 for none. Under the stream's lock. */
        private long submittedThrough = -1;
        /** The origin seq through which this node applied the stream, -1 for none: what the store's mark is raised to. */
        private long applied = -1;
        /** Whether a write of {@link #applied} to the store is under way (one at a time). */
        private boolean writing;

        Position(String origin, String orgChannelId, long clientIdHigh) {
            this.origin = origin;
            this.orgChannelId = orgChannelId;
            this.clientIdHigh = clientIdHigh;
        }

        private synchronized long applied() { return applied; }

        /** Notes the stream applied through {@code through}; {@return whether the caller should start a write of it} */
        private synchronized boolean applied(long through) {
            if (through <= applied) return false;
            applied = through;
            if (writing) return false; // the write under way takes the newest value when it is done
            writing = true;
            return true;
        }

        /** {@return the value to write next, or -1 once {@code written} is the newest (the writer stops)} */
        private synchronized long nextToWrite(long written) {
            if (applied > written) return applied;
            writing = false;
            return -1;
        }

        private synchronized void writeFailed() { writing = false; }
    }

    /**
     * Waits, with the stream's lock held except while it waits on {@code progressed} (that lock's condition), until the
     * batch after origin seq {@code prev} may be submitted. {@return empty when it may; else, after {@link #HOLD}, the
     * origin seq through which the stream is applied, for the refusal}
     */
    OptionalLong awaitTurn(Position p, Condition progressed, UUID chatId, long prev) {
        long deadline = System.nanoTime() + HOLD.toNanos();
        boolean held = false;
        while (true) {
            if (prev <= p.submittedThrough || prev <= p.applied()) return OptionalLong.empty();
            long applied = Math.max(p.applied(), stored(p, chatId));
            if (prev <= applied) return OptionalLong.empty();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                count("refused");
                return OptionalLong.of(applied);
            }
            if (!held) {
                held = true;
                count("held");
            }
            try {
                progressed.awaitNanos(Math.min(left, POLL.toNanos())); // another node's progress shows only in the store
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                count("refused");
                return OptionalLong.of(applied);
            }
        }
    }

    /** A batch ending at origin seq {@code through} was submitted (the caller holds the stream's lock). */
    void submitted(Position p, long through) {
        if (through > p.submittedThrough) p.submittedThrough = through;
    }

    /** A batch of the stream failed (the caller holds the stream's lock): what was submitted after the last mark may not be there. */
    void failed(Position p) {
        p.submittedThrough = -1;
    }

    /** The stream is applied through {@code through} on this node (every batch before settled applied): raises the store's mark, off the caller's path. */
    void applied(Position p, long through) {
        if (p.applied(through)) Thread.ofVirtual().name("parley-org-mark").start(() -> writeMarks(p));
    }

    /** Stores the marks of these positions now (a clean stop: after a restart the marks say all that was applied). */
    void flush(Collection<Position> positions) {
        for (Position p : positions) {
            long applied = p.applied();
            if (applied < 0) continue;
            try {
                store.markApplied(p.origin, p.orgChannelId, applied, clock.instant());
            } catch (RuntimeException e) {
                log.warn("org channel {}: the applied mark of pod {}'s ops could not be stored at stop", p.orgChannelId, p.origin);
            }
        }
    }

    /** {@return the origin seq through which the store says the stream is applied on the pod} (see the caveats) */
    private long stored(Position p, UUID chatId) {
        OptionalLong mark = store.appliedThrough(p.origin, p.orgChannelId);
        if (mark.isPresent()) return mark.getAsLong();
        return store.greatestClientId(chatId, OrgInbound.clientId(p.clientIdHigh, 0), OrgInbound.clientId(p.clientIdHigh, MAX_LIVE_SEQ))
                .map(id -> id.getLeastSignificantBits() & MAX_LIVE_SEQ).orElse(0L);
    }

    private void writeMarks(Position p) {
        long written = -1;
        for (long next = p.nextToWrite(written); next >= 0; next = p.nextToWrite(written)) {
            try {
                store.markApplied(p.origin, p.orgChannelId, next, clock.instant());
                written = next;
            } catch (RuntimeException e) {
                p.writeFailed(); // the next batch applied starts another write
                log.warn("org channel {}: the applied mark of pod {}'s ops could not be stored ({}); the next batch retries",
                        p.orgChannelId, p.origin, e.getClass().getSimpleName());
                return;
            }
        }
    }

    private void count(String outcome) {
        overtaken.computeIfAbsent(outcome, o -> Counter.builder("parley_pod_org_batches_overtaken")
                .description("org batches that arrived before the batch they follow: held until it was applied, or refused after the hold")
                .tag("outcome", o).register(registry)).increment();
    }
}
