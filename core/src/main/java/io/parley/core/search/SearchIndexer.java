package io.parley.core.search;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Keeps the index in step with the logs: every committed event (from the bus, like every other
 * consumer) re-indexes its message's current state, and a delete removes it. Work happens on the
 * indexer's own thread behind a bounded queue, so fan-out never waits for the index; if the queue
 * ever overflows the index is marked stale (searches still answer) and a rebuild is due.
 */
public final class SearchIndexer implements Bus.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    private static final Pattern LINK = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S");
    private static final Pattern FILE_NAME_SEPARATORS = Pattern.compile("[._\\-]+");
    private static final int QUEUE = 100_000;

    private final SearchIndex index;
    private final boolean ownEventsOnly;
    private final BlockingQueue<ChatEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean stale = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    public SearchIndexer(SearchIndex index) {
        this(index, false);
    }

    /**
     * @param ownEventsOnly index only the events this node published: the index is shared by the pod's nodes
     *     (PostgreSQL), and each event is published by exactly one of them
     */
    public SearchIndexer(SearchIndex index, boolean ownEventsOnly) {
        this.index = index;
        this.ownEventsOnly = ownEventsOnly;
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
        if (event instanceof BusEvent.Committed c && !queue.offer(c.event()) && stale.compareAndSet(false, true)) {
            log.warn("search indexing queue overflowed; the index is stale until `parley admin reindex`");
        }
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
            java.util.List<ChatEvent> batch = new java.util.ArrayList<>(BATCH);
            while (running || !queue.isEmpty()) {
                ChatEvent first;
                try {
                    first = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    if (running) continue;
                    first = queue.poll();
                    if (first == null) return;
                }
                if (first == null) continue;
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                try {
                    apply(batch);
                } catch (RuntimeException ex) {
                    log.warn("indexing a batch of {} events failed", batch.size(), ex);
                }
            }
        }

        private void apply(java.util.List<ChatEvent> batch) {
            java.util.Map<UUID, SearchIndex.Doc> latest = new java.util.LinkedHashMap<>();
            for (ChatEvent e : batch) {
                switch (e.type()) {
                    case MESSAGE_DELETED -> {
                        latest.remove(e.message().id());
                        index.delete(e.message().id());
                    }
                    // a post is fresh unless this batch already holds a document for it
                    case MESSAGE_POSTED -> latest.merge(e.message().id(), docOf(e.workspaceId(), e.message(), true),
                            (old, now) -> docOf(e.workspaceId(), e.message(), old.fresh()));
                    case MESSAGE_EDITED, THREAD_UPDATED, REACTION_ADDED, REACTION_REMOVED -> latest.merge(e.message().id(),
                            docOf(e.workspaceId(), e.message(), false), (old, now) -> docOf(e.workspaceId(), e.message(), old.fresh()));
                }
            }
            index.upsertAll(java.util.List.copyOf(latest.values()));
        }
    }
}
