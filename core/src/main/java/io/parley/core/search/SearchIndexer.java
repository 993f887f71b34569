package io.parley.core.search;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Keeps the index in step with the logs: every committed event (from the bus, like every other
 * consumer) re-indexes its message's current state, and a delete removes it. Work happens on the
 * indexer's own thread behind a bounded queue, so fan-out never waits for the index.
 *
 * <p>With an {@link IndexRecovery} (an index on one node's disk) the indexer also keeps the index's checkpoint:
 * the seq up to which each chat's events are indexed. On start it resumes from the checkpoint the index last made
 * durable (a crash re-applies only the events after it) or rebuilds when there is none, before it drains a single
 * live event; a live event the recovery already covered is skipped, and a chat whose events overflowed the queue is
 * caught up from its log. Without one (a pod's shared index) an overflow marks the index stale (searches still
 * answer) and a rebuild is due.
 */
public final class SearchIndexer implements Bus.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    private static final Pattern LINK = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S");
    private static final Pattern FILE_NAME_SEPARATORS = Pattern.compile("[._\\-]+");
    private static final int QUEUE = 100_000;

    private final SearchIndex index;
    private final boolean ownEventsOnly;
    private final IndexRecovery recovery;
    private final BlockingQueue<ChatEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean stale = new AtomicBoolean();
    /** Chats whose events overflowed the queue: caught up from the log (with a recovery). */
    private final Set<UUID> behind = ConcurrentHashMap.newKeySet();
    /** For each chat, the seq up to which its events are indexed (kept with a recovery; the indexer's thread only). */
    private final Map<UUID, Long> indexed = new HashMap<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Which events the indexer takes, and whether it keeps the index's checkpoint (see the class comment). */
    public sealed interface Mode {
        /** Every event, no checkpoint: an overflow marks the index stale (a bench's index). */
        record EveryEvent() implements Mode {}

        /**
         * Only the events this node published, no checkpoint: the index is shared by the pod's nodes (PostgreSQL),
         * and each event is published by exactly one of them; an overflow marks the index stale.
         */
        record OwnEvents() implements Mode {}

        /** Every event, keeping the index's checkpoint: on start it resumes from it or rebuilds (one node's index). */
        record Recovering(IndexRecovery recovery) implements Mode {
            public Recovering {
                java.util.Objects.requireNonNull(recovery, "recovery");
            }
        }

        /** {@return every event, no checkpoint} */
        static Mode everyEvent() { return new EveryEvent(); }

        /** {@return this node's events, no checkpoint} */
        static Mode ownEvents() { return new OwnEvents(); }

        /** {@return every event, with the checkpoint kept and recovered through {@code recovery}} */
        static Mode recovering(IndexRecovery recovery) { return new Recovering(recovery); }
    }

    public SearchIndexer(SearchIndex index, Mode mode) {
        this.index = index;
        this.ownEventsOnly = mode instanceof Mode.OwnEvents;
        this.recovery = mode instanceof Mode.Recovering(IndexRecovery r) ? r : null;
        this.thread = Thread.ofPlatform().name("parley-search-indexer").daemon().start(new Drain());
    }
    /** {@return the document of a message in a workspace; {@code fresh} when no document for it can exist yet} */
    public static SearchIndex.Doc docOf(UUID workspaceId, Message m, boolean fresh) {
        return new SearchIndex.Doc(m.id(), workspaceId, m.chatId(), m.senderId(), m.content(), m.seq(), m.createdAt(),
                m.threadRootId() != null || m.replyCount() > 0, LINK.matcher(m.content()).find(), !m.attachments().isEmpty(),
                !m.reactions().isEmpty(), m.mentions().handles(),
                m.attachments().stream().map(a -> searchable(a.name())).toList(), fresh);
    }

    /**
     * {@return a file name with its parts also as separate words: engines keep "budget.xlsx" as one token,
     * and people search for "budget"}
     */
    static String searchable(String fileName) {
        String parts = FILE_NAME_SEPARATORS.matcher(fileName).replaceAll(" ").strip();
        return parts.equals(fileName) ? fileName : fileName + " " + parts;
    }

    @Override
    public void onEvent(BusEvent event, boolean publishedHere) {
        if (publishedHere || !ownEventsOnly) onEvent(event);
    }

    @Override
    public void onEvent(BusEvent event) {
        if (!(event instanceof BusEvent.Committed c) || queue.offer(c.event())) return;
        if (recovery != null) {
            if (behind.add(c.event().chatId())) log.warn("search indexing queue overflowed; catching chat {} up from its log", c.event().chatId());
        } else if (stale.compareAndSet(false, true)) {
            log.warn("search indexing queue overflowed; the index is stale until `parley admin reindex`");
        }
    }

    /** {@return completes once the index has caught up with the logs at start (at once without a recovery)} */
    public CompletableFuture<Void> started() {
        return started;
    }

    /** {@return whether events were lost to an overflow since start} */
    public boolean stale() {
        return stale.get();
    }

    /** {@return how many events wait to be indexed} (the index lag, in events) */
    public int backlog() {
        return queue.size();
    }

    @Override
    public void close() {
        // No interrupt: the index may be doing file I/O, which an interrupt breaks. The drain loop
        // polls with a timeout, sees running=false, finishes what is queued and ends.
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drains queued events in batches: the latest state of each message in the batch is upserted at
     * once, and deletes are applied in order (an upsert after a delete cannot happen: a tombstone
     * gets no further events).
     */
    private final class Drain implements Runnable {
        private static final int BATCH = 512;

        @Override
        public void run() {
            try {
                if (recovery != null) recover();
                started.complete(null);
            } catch (RuntimeException e) {
                // the live events still go in; what the recovery missed waits for `parley admin reindex`
                log.error("bringing the search index up to the logs failed; run `parley admin reindex`", e);
                started.completeExceptionally(e);
            }
            List<ChatEvent> batch = new ArrayList<>(BATCH);
            while (running || !queue.isEmpty()) {
                ChatEvent first;
                try {
                    first = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    if (running) continue;
                    first = queue.poll();
                    if (first == null) return;
                }
                if (first != null) {
                    batch.clear();
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    try {
                        apply(batch, true);
                    } catch (RuntimeException ex) {
                        log.warn("indexing a batch of {} events failed", batch.size(), ex);
                    }
                }
                if (!behind.isEmpty()) catchUpBehind();
            }
        }

        /** Resumes from the index's checkpoint, or rebuilds without one (searches answer UNAVAILABLE meanwhile). */
        private void recover() {
            long t0 = System.nanoTime();
            Optional<Map<UUID, Long>> checkpoint = index.checkpoint();
            Map<UUID, Long> last = recovery.lastSeqs(); // read once, before anything: what the recovery must reach
            int[] applied = {0};
            Map<UUID, Long> upTo = checkpoint.isEmpty() ? null
                    : recovery.resume(checkpoint.get(), last, events -> applied[0] += apply(events, false));
            if (upTo != null) {
                if (applied[0] > 0) {
                    log.info("search index resumed from its checkpoint: {} events re-applied in {} ms", applied[0], (System.nanoTime() - t0) / 1_000_000);
                }
            } else {
                boolean empty = last.isEmpty(); // a first start: nothing to say
                if (!empty) {
                    log.info(checkpoint.isEmpty() ? "search index has no checkpoint (new, or from an older version): rebuilding it from the store"
                            : "search index is ahead of the store (restored from an older copy?): rebuilding it from the store");
                }
                index.setReady(false);
                long[] messages = {0};
                try {
                    upTo = recovery.rebuild(index, last, done -> messages[0] = done);
                } finally {
                    index.setReady(true);
                }
                if (!empty) log.info("search index rebuilt from the store: {} messages in {} ms", messages[0], (System.nanoTime() - t0) / 1_000_000);
            }
            indexed.putAll(upTo);
            index.advance(upTo);
            index.flush();
        }

        /** Catches up, from their logs, the chats whose events overflowed the queue. */
        private void catchUpBehind() {
            for (UUID chatId : List.copyOf(behind)) {
                behind.remove(chatId); // before reading: an overflow from now on marks it again
                try {
                    long upTo = recovery.catchUp(chatId, indexed.getOrDefault(chatId, 0L), Long.MAX_VALUE, events -> apply(events, false));
                    indexed.merge(chatId, upTo, Math::max);
                    index.advance(Map.of(chatId, indexed.get(chatId)));
                } catch (RuntimeException e) {
                    behind.add(chatId);
                    log.warn("catching chat {} up for search failed; retrying", chatId, e);
                }
            }
        }

        /**
         * Indexes events; with a recovery, skips those its checkpoint already covers and moves it past the rest.
         * {@code live}: events as committed (a post is fresh); otherwise re-read from the log (a post may be indexed).
         * {@return how many events were applied}
         */
        private int apply(List<ChatEvent> batch, boolean live) {
            Map<UUID, SearchIndex.Doc> latest = new LinkedHashMap<>();
            Map<UUID, Long> moved = recovery == null ? null : new HashMap<>();
            int applied = 0;
            for (ChatEvent e : batch) {
                if (moved != null) {
                    if (e.seq() <= indexed.getOrDefault(e.chatId(), 0L)) continue; // a recovery or catch-up covered it
                    indexed.put(e.chatId(), e.seq());
                    moved.put(e.chatId(), e.seq());
                }
                applied++;
                switch (e.type()) {
                    case MESSAGE_DELETED -> {
                        latest.remove(e.message().id());
                        index.delete(e.message().id());
                    }
                    // a post is fresh unless this batch already holds a document for it
                    case MESSAGE_POSTED -> latest.merge(e.message().id(), docOf(e.workspaceId(), e.message(), live),
                            (old, now) -> docOf(e.workspaceId(), e.message(), old.fresh()));
                    case MESSAGE_EDITED, THREAD_UPDATED, REACTION_ADDED, REACTION_REMOVED -> latest.merge(e.message().id(),
                            docOf(e.workspaceId(), e.message(), false), (old, now) -> docOf(e.workspaceId(), e.message(), old.fresh()));
                    default -> { }
                }
            }
            index.upsertAll(List.copyOf(latest.values()));
            if (moved != null && !moved.isEmpty()) index.advance(moved); // after the upserts: the checkpoint never runs ahead
            return applied;
        }
    }
}
