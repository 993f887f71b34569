package io.parley.core.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A full-text index of messages: derived data, rebuildable from the store at any time. The
 * implementations are Lucene on local disk (one node) and PostgreSQL full-text search (a pod);
 * both take the same {@link SearchQuery}.
 */
public interface SearchIndex extends AutoCloseable {
    /**
     * What is indexed of a message: its current state and where it lives. {@code fresh} says no
     * document for the message can exist yet (a new post, or a rebuild after a clear), so an engine
     * may add instead of replace. {@code fileNames} are searched like the content (a search for
     * "budget" finds the message with budget.xlsx attached).
     */
    record Doc(UUID messageId, UUID workspaceId, UUID chatId, UUID senderId, String content, long seq, Instant createdAt,
               boolean thread, boolean hasLink, boolean hasFile, boolean hasReaction, List<String> mentionHandles,
               List<String> fileNames, boolean fresh) {
        public Doc {
            mentionHandles = List.copyOf(mentionHandles);
            fileNames = List.copyOf(fileNames);
        }
    }

    /**
     * One search: the parsed query, the chats it may see (already intersected with in:/to: and the
     * caller's access), the senders of from: (null: any), the order, and the page.
     */
    record Criteria(SearchQuery query, Set<UUID> chatIds, Set<UUID> senderIds, boolean byRecency, int offset, int limit) {
        public Criteria {
            chatIds = Set.copyOf(chatIds);
            senderIds = senderIds == null ? null : Set.copyOf(senderIds);
        }
    }

    /** A match: the message, its score, and fragments with matches in {@code <mark>} (the rest HTML-escaped). */
    record Hit(UUID messageId, UUID chatId, float score, List<String> fragments) {
        public Hit {
            fragments = List.copyOf(fragments);
        }
    }

    /** A page of matches and how many there are in all. */
    record Page(List<Hit> hits, long total) {
        public Page {
            hits = List.copyOf(hits);
        }
    }

    /** Adds or replaces a message's document. */
    void upsert(Doc doc);

    /** Adds or replaces many documents (the indexer hands over what it drained at once). */
    default void upsertAll(List<Doc> docs) {
        docs.forEach(this::upsert);
    }

    /** Removes a message's document (deleted messages are never returned). */
    void delete(UUID messageId);

    /** Removes every document (before a rebuild). */
    void clear();

    /** {@return the matches} @throws io.parley.core.error.ParleyException UNAVAILABLE when the index cannot answer */
    Page search(Criteria criteria);

    /** {@return whether searches can be answered now (false while rebuilding or broken)} */
    boolean ready();

    /** Marks the index unready (searches answer UNAVAILABLE) or ready again, around a rebuild. */
    default void setReady(boolean ready) {
    }

    /**
     * {@return the index's checkpoint: for each chat, the seq up to which the index holds every event of it (a chat
     * missing holds none); empty if this index keeps no checkpoint, or has none it can trust (new, from an older
     * version, or cleared and not yet rebuilt)}. After a crash an index resumes from the one it last made durable.
     */
    default Optional<Map<UUID, Long>> checkpoint() {
        return Optional.empty();
    }

    /** Moves the checkpoint: the index now holds every event of these chats up to these seqs (durable with the next flush). */
    default void advance(Map<UUID, Long> seqs) {
    }

    /** Makes everything indexed so far visible to searches and durable. */
    void flush();

    @Override
    void close();
}
