package io.parley.core.search;

import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Brings a search index up to the chats' logs, the source of truth: either from scratch ({@link #rebuild}) or from
 * the index's checkpoint ({@link #resume}: only the events after it, so a crash costs seconds, not a rebuild). Both
 * answer the chats' seqs the index then holds every event up to, which the indexer keeps as its checkpoint.
 */
public final class IndexRecovery {
    private static final int PAGE = 2_000;

    private final MessageLog log;
    private final ChatStore chats;

    public IndexRecovery(MessageLog log, ChatStore chats) {
        this.log = log;
        this.chats = chats;
    }

    /** {@return every chat's last seq now} (what a rebuild or a resume must reach) */
    public Map<UUID, Long> lastSeqs() {
        return chats.allLastSeqs();
    }

    /**
     * Clears the index and indexes every live message in id order, a page at a time, as of the chats' seqs when it
     * starts: a message posted after that is the live indexer's (the caller drains those events after this returns,
     * skipping the ones the answer covers). {@code progress} is told the running count after each page.
     * {@return the chats' seqs the index now holds}
     */
    public Map<UUID, Long> rebuild(SearchIndex index, LongConsumer progress) {
        return rebuild(index, lastSeqs(), progress);
    }

    /** Rebuilds as of {@code upTo}, the chats' seqs read just before (see {@link #rebuild(SearchIndex, LongConsumer)}). */
    public Map<UUID, Long> rebuild(SearchIndex index, Map<UUID, Long> upTo, LongConsumer progress) {
        index.clear();
        Map<UUID, UUID> workspaceOf = new HashMap<>();
        long done = 0;
        UUID after = null;
        while (true) {
            List<Message> page = log.scan(after, PAGE);
            if (page.isEmpty()) break;
            List<SearchIndex.Doc> docs = new java.util.ArrayList<>(page.size());
            for (Message m : page) {
                if (m.seq() > upTo.getOrDefault(m.chatId(), 0L)) continue; // posted since the start: its event comes live
                UUID ws = workspaceOf.computeIfAbsent(m.chatId(), id -> chats.byId(id).map(Chat::workspaceId).orElse(null));
                if (ws != null) docs.add(SearchIndexer.docOf(ws, m, true)); // cleared above: nothing to replace
            }
            index.upsertAll(docs);
            done += docs.size();
            after = page.getLast().id();
            progress.accept(done);
        }
        return upTo;
    }

    /**
     * Re-applies, through {@code apply}, every event after the checkpoint of each chat whose log has moved past it, up
     * to the chat's last seq when it starts: later events are the live indexer's, which are queued meanwhile (a busy
     * chat would otherwise keep the resume chasing its log). Events are read with the messages' current state, so
     * re-applying what the index already held is harmless. {@code last}: the chats' seqs read just before.
     * {@return the chats' seqs the index then holds, or null if the checkpoint is ahead of a log (the store was
     * restored from an older copy than the index): only a rebuild can make that index right}
     */
    public Map<UUID, Long> resume(Map<UUID, Long> checkpoint, Map<UUID, Long> last, Consumer<List<ChatEvent>> apply) {
        for (Map.Entry<UUID, Long> c : checkpoint.entrySet()) {
            if (c.getValue() > last.getOrDefault(c.getKey(), 0L)) return null;
        }
        Map<UUID, Long> upTo = new HashMap<>(checkpoint);
        for (Map.Entry<UUID, Long> c : last.entrySet()) {
            long from = checkpoint.getOrDefault(c.getKey(), 0L);
            if (c.getValue() > from) upTo.put(c.getKey(), catchUp(c.getKey(), from, c.getValue(), apply));
        }
        return upTo;
    }

    /** Re-applies a chat's events after {@code afterSeq} up to {@code untilSeq} (or its log's end). {@return the last seq applied} */
    public long catchUp(UUID chatId, long afterSeq, long untilSeq, Consumer<List<ChatEvent>> apply) {
        long seq = afterSeq;
        while (seq < untilSeq) {
            List<ChatEvent> page = log.eventsAfter(chatId, seq, (int) Math.min(PAGE, untilSeq - seq));
            if (page.isEmpty()) return seq;
            apply.accept(page);
            seq = page.getLast().seq();
        }
        return seq;
    }
}
