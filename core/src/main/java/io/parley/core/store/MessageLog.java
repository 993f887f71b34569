package io.parley.core.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The chats' logs. Writes are {@link LogCommand}s applied by a group-commit writer: the future
 * completes only after the transaction that holds the command has committed (persist before ack),
 * or exceptionally with {@code UNAVAILABLE} when the database cannot be reached.
 */
public interface MessageLog {
    /** Applies a command durably. Retries of a command with the same (chat, actor, client id) return the original result. */
    CompletableFuture<LogResult> append(LogCommand command);

    Optional<Message> message(UUID messageId);

    /**
     * {@return top-level messages of a chat (thread replies excluded) in ascending seq order; with
     * {@code beforeSeq} the latest {@code limit} before it, with {@code afterSeq} the first {@code limit}
     * after it, with neither the latest {@code limit}}
     */
    List<Message> history(UUID chatId, Long beforeSeq, Long afterSeq, int limit);

    /** {@return the replies of a thread in seq order} */
    List<Message> replies(UUID threadRootId, int limit);

    /**
     * {@return live (not deleted) messages of every chat with ids after {@code afterId} (null: from the
     * start), in id order, at most {@code limit}} — for rebuilding derived data such as the search index
     */
    List<Message> scan(UUID afterId, int limit);

    /** {@return how many live messages there are} (progress of a rebuild) */
    long liveCount();

    /** {@return the log events of a chat with seq greater than {@code afterSeq}, in seq order, at most {@code limit}} */
    List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit);
}
