package io.parley.server.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import io.parley.core.store.MessageLog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The chats' logs over {@code messages}, {@code reactions} and {@code chat_events}: writes go to the
 * group-commit {@link LogWriter}, reads straight to the read pool (reactions batch-loaded per page).
 */
public final class SqlMessageLog implements MessageLog {
    private final Db db;
    private final LogWriter writer;

    SqlMessageLog(Db db, LogWriter writer) {
        this.db = db;
        this.writer = writer;
    }

    @Override
    public CompletableFuture<LogResult> append(LogCommand command) {
        java.util.Objects.requireNonNull(command, "command");
        return writer.submit(command);
    }

    @Override
    public Optional<Message> message(UUID messageId) {
        return db.read(c -> {
            Optional<Message> m = MessagesTable.byId(c, messageId);
            return m.isEmpty() ? m : Optional.of(ReactionsTable.attach(c, m.get()));
        });
    }

    @Override
    public List<Message> history(UUID chatId, Long beforeSeq, Long afterSeq, int limit) {
        if (limit <= 0) return List.of();
        return db.read(c -> ReactionsTable.attach(c, MessagesTable.history(c, chatId, beforeSeq, afterSeq, limit)));
    }

    @Override
    public List<Message> replies(UUID threadRootId, int limit) {
        if (limit <= 0) return List.of();
        return db.read(c -> ReactionsTable.attach(c, MessagesTable.replies(c, threadRootId, limit)));
    }

    @Override
    public List<Message> scan(UUID afterId, int limit) {
        if (limit <= 0) return List.of();
        return db.read(c -> ReactionsTable.attach(c, MessagesTable.scan(c, afterId, limit)));
    }

    @Override
    public long liveCount() {
        return db.read(MessagesTable::liveCount);
    }

    @Override
    public List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit) {
        if (limit <= 0) return List.of();
        return db.read(c -> EventsTable.after(c, chatId, afterSeq, limit));
    }
}
