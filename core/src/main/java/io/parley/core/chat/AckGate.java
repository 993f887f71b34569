package io.parley.core.chat;

import io.parley.core.store.LogResult;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What a post's ack waits for after its commit, beyond the commit itself: the pod layer holds the acks of a resilient
 * channel that asks for its posts to be on replica pods first ({@code ackAfterReplicas}). The commit, the fan-out and
 * persist-before-ack are unchanged; only the answer to the sender is later, or an error.
 */
public interface AckGate {
    /** Holds nothing: every ack goes on commit. */
    AckGate NONE = new AckGate() {
        @Override
        public boolean holds(UUID chatId) { return false; }

        @Override
        public CompletableFuture<LogResult> release(UUID chatId, LogResult committed) {
            return CompletableFuture.completedFuture(committed);
        }
    };

    /**
     * {@return whether posts to the chat wait for {@link #release}} Asked once per post, so it must be cheap: it reads
     * memory, never the store (ordinary chats pay nothing more).
     */
    boolean holds(UUID chatId);

    /**
     * {@return the committed post's result, completed when its ack may go} It completes exceptionally with a
     * {@link io.parley.core.error.ParleyException} to refuse the ack; the post stays committed either way. Called on the
     * thread that completed the commit: it must not block.
     */
    CompletableFuture<LogResult> release(UUID chatId, LogResult committed);
}
