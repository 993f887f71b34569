package io.parley.server.search;

import io.parley.core.chat.Chat;
import io.parley.core.chat.Message;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.SearchIndexer;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Rebuilds the search index from the store: clears it, then indexes every live message in id order,
 * a page at a time. The index is derived data, so this is always safe; searches answer
 * "temporarily unavailable" while it runs. Events committed during the rebuild are indexed by the
 * live indexer as well; both write the message's current state, so the order does not matter.
 */
public final class Reindexer {
    private static final int PAGE = 2_000;

    private final MessageLog log;
    private final ChatStore chats;

    public Reindexer(MessageLog log, ChatStore chats) {
        this.log = log;
        this.chats = chats;
    }

    /** Rebuilds; {@code progress} is told the running count after each page. {@return messages indexed} */
    public long rebuild(SearchIndex index, LongConsumer progress) {
        index.clear();
        Map<UUID, UUID> workspaceOf = new HashMap<>();
        long done = 0;
        UUID after = null;
        while (true) {
            List<Message> page = log.scan(after, PAGE);
            if (page.isEmpty()) break;
            List<SearchIndex.Doc> docs = new java.util.ArrayList<>(page.size());
            for (Message m : page) {
                UUID ws = workspaceOf.computeIfAbsent(m.chatId(), id -> chats.byId(id).map(Chat::workspaceId).orElse(null));
                if (ws != null) docs.add(SearchIndexer.docOf(ws, m, true)); // cleared above: nothing to replace
            }
            index.upsertAll(docs);
            done += page.size();
            after = page.getLast().id();
            progress.accept(done);
        }
        index.flush();
        return done;
    }
}
