package io.parley.core.search;

import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.fixtures.Await;
import io.parley.core.fixtures.ManualClock;
import io.parley.core.fixtures.MemoryChatStore;
import io.parley.core.fixtures.MemoryMessageLog;
import io.parley.core.store.LogCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The indexer's checkpoint: on start it resumes from the index's checkpoint (only later events are re-applied, as
 * replacements), skips live events the resume covered, rebuilds when there is no checkpoint, and catches a chat up
 * from its log when its events overflow the queue — the index ends holding every message exactly once.
 */
class SearchIndexerRecoveryTest {
    private static final UUID WS = UUID.randomUUID(), CHAT = UUID.randomUUID(), USER = UUID.randomUUID();

    private final MemoryChatStore chats = new MemoryChatStore(new ManualClock());
    private final MemoryMessageLog log = new MemoryMessageLog(chats);
    /** What was appended to the one chat's log, in order: post n has seq n. */
    private final List<ChatEvent> posted = new ArrayList<>();

    SearchIndexerRecoveryTest() {
        chats.create(new Chat(CHAT, WS, ChatKind.PUBLIC_CHANNEL, "general", "", "", false, USER, Instant.EPOCH, 0, null),
                List.of(USER));
    }

    @Test
    void resumesFromTheCheckpointAndSkipsLiveEventsItCovered() throws Exception {
        for (int i = 1; i <= 10; i++) append();
        FakeIndex index = new FakeIndex(Map.of(CHAT, 6L));
        for (int i = 0; i < 6; i++) index.docs.put(posted.get(i).message().id(), SearchIndexer.docOf(WS, posted.get(i).message(), true));
        try (SearchIndexer indexer = new SearchIndexer(index, SearchIndexer.Mode.recovering(recovery()))) {
            indexer.started().get(10, TimeUnit.SECONDS);
            assertEquals(4, index.upserts.get(), "only the events after the checkpoint are re-applied");
            assertEquals(0, index.fresh.get(), "re-applied posts replace: the commit may have held them");
            indexer.onEvent(new BusEvent.Committed(posted.get(8))); // covered by the resume: skipped
            ChatEvent next = append();
            indexer.onEvent(new BusEvent.Committed(next));
            await(() -> index.docs.containsKey(next.message().id()));
            assertEquals(5, index.upserts.get());
            assertEquals(11, index.docs.size());
            assertEquals(Map.of(CHAT, 11L), index.checkpoint);
        }
    }

    @Test
    void rebuildsWithoutACheckpoint() throws Exception {
        for (int i = 1; i <= 5; i++) append();
        FakeIndex index = new FakeIndex(null);
        Message stray = message(6, Instant.EPOCH); // indexed once, but the store does not have it: the rebuild clears it
        index.docs.put(stray.id(), SearchIndexer.docOf(WS, stray, true));
        try (SearchIndexer indexer = new SearchIndexer(index, SearchIndexer.Mode.recovering(recovery()))) {
            indexer.started().get(10, TimeUnit.SECONDS);
            assertEquals(5, index.docs.size());
            assertTrue(!index.docs.containsKey(stray.id()));
            assertEquals(Optional.of(Map.of(CHAT, 5L)), index.checkpoint());
        }
    }

    @Test
    void aChatWhoseEventsOverflowedIsCaughtUpFromItsLog() throws Exception {
        FakeIndex index = new FakeIndex(Map.of());
        CountDownLatch release = new CountDownLatch(1);
        index.blockFirstUpsert = release;
        int total = 100_000 + 500; // the queue holds 100,000
        try (SearchIndexer indexer = new SearchIndexer(index, SearchIndexer.Mode.recovering(recovery()))) {
            indexer.started().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < total; i++) indexer.onEvent(new BusEvent.Committed(append())); // the first batch blocks the drain
            release.countDown();
            await(() -> index.docs.size() == total);
            assertEquals(0, index.duplicates.get(), "no message indexed twice");
            assertTrue(index.upserts.get() > index.fresh.get(), "the overflowed events came from the log, not the queue");
            assertEquals(Map.of(CHAT, (long) total), index.checkpoint);
            assertTrue(!indexer.stale(), "caught up, not stale");
        }
    }

    /** Posts the next message of the chat through the log; {@return its event} */
    private ChatEvent append() {
        long seq = posted.size() + 1;
        Instant at = Instant.EPOCH.plusSeconds(seq);
        Message m = message(seq, at);
        ChatEvent e = log.append(new LogCommand.Post(WS, CHAT, USER, m.clientMsgId(), m.id(), m.content(), null, Mentions.NONE,
                "local", seq, at, List.of(), null)).join().events().getFirst();
        posted.add(e);
        return e;
    }

    private static Message message(long seq, Instant at) {
        return new Message(UUID.randomUUID(), CHAT, seq, USER, UUID.randomUUID(), "message " + seq, null, 0, null, List.of(),
                Mentions.NONE, List.of(), at, null, null, "local", seq, List.of(), null);
    }

    private IndexRecovery recovery() {
        return new IndexRecovery(log, chats);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), "the index to catch up", condition);
    }

    /** An index in memory that counts what it is asked to do. */
    private static final class FakeIndex implements SearchIndex {
        final Map<UUID, Doc> docs = new ConcurrentHashMap<>();
        final Map<UUID, Long> checkpoint = new ConcurrentHashMap<>();
        final AtomicInteger upserts = new AtomicInteger(), fresh = new AtomicInteger(), duplicates = new AtomicInteger();
        volatile boolean trusted;
        volatile CountDownLatch blockFirstUpsert;

        FakeIndex(Map<UUID, Long> saved) {
            if (saved != null) {
                checkpoint.putAll(saved);
                trusted = true;
            }
        }

        @Override
        public void upsert(Doc d) {
            CountDownLatch block = blockFirstUpsert;
            if (block != null) {
                blockFirstUpsert = null;
                try {
                    block.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            upserts.incrementAndGet();
            if (d.fresh()) {
                fresh.incrementAndGet();
                if (docs.containsKey(d.messageId())) duplicates.incrementAndGet(); // an engine would hold it twice
            }
            docs.put(d.messageId(), d);
        }

        @Override
        public void delete(UUID messageId) { docs.remove(messageId); }

        @Override
        public void clear() {
            docs.clear();
            checkpoint.clear();
            trusted = false;
        }

        @Override
        public Page search(Criteria criteria) { throw new UnsupportedOperationException(); }

        @Override
        public boolean ready() { return true; }

        @Override
        public Optional<Map<UUID, Long>> checkpoint() { return trusted ? Optional.of(Map.copyOf(checkpoint)) : Optional.empty(); }

        @Override
        public void advance(Map<UUID, Long> seqs) {
            seqs.forEach((c, s) -> checkpoint.merge(c, s, Math::max));
            trusted = true;
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    }
}
