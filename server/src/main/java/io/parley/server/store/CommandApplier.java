package io.parley.server.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Message;
import io.parley.core.error.ParleyException;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies one {@link LogCommand} inside the caller's transaction.
 *
 * <p>Order of work, the same for every command: lock the chat row (PostgreSQL; SQLite has one writer), look
 * the client id up (a retry returns the original seq and changes nothing), validate, then write, and take
 * seqs last. Every validation that can fail with a {@link ParleyException} runs before the first write, so
 * such a failure leaves the transaction clean and the writer can carry on with the rest of its batch. A
 * command that changes nothing (an older edit, a second delete, a repeated reaction) appends no event and
 * returns the message's own seq.
 */
final class CommandApplier {
    private final Db db;

    CommandApplier(Db db) { this.db = db; }

    LogResult apply(Connection c, LogCommand cmd) throws SQLException {
        if (!EventsTable.lockChat(c, db, cmd.chatId())) throw ParleyException.notFound("no such chat");
        Optional<EventsTable.Prior> prior = EventsTable.byClientId(c, cmd.chatId(), cmd.actorId(), cmd.clientId());
        if (prior.isPresent()) {
            Message m = MessagesTable.byId(c, prior.get().messageId())
                    .orElseThrow(() -> new SQLException("event without message: " + prior.get().messageId()));
            return new LogResult(List.of(), ReactionsTable.attach(c, m), prior.get().seq(), true);
        }
        return switch (cmd) {
            case LogCommand.Post p -> post(c, p);
            case LogCommand.Edit e -> edit(c, e);
            case LogCommand.Delete d -> delete(c, d);
            case LogCommand.React r -> react(c, r);
        };
    }

    private LogResult post(Connection c, LogCommand.Post p) throws SQLException {
        if (p.threadRootId() != null) {
            Message root = MessagesTable.byId(c, p.threadRootId())
                    .filter(r -> r.chatId().equals(p.chatId()))
                    .orElseThrow(() -> ParleyException.notFound("no such thread root in this chat"));
            if (root.threadRootId() != null) throw ParleyException.invalid("a reply cannot be a thread root");
        }
        FilesTable.checkClaimable(c, p.workspaceId(), p.actorId(), p.attachments());
        long seq = EventsTable.nextSeq(c, p.chatId());
        Message m = new Message(p.messageId(), p.chatId(), seq, p.actorId(), p.clientId(), p.content(), p.threadRootId(),
                0, null, List.of(), p.mentions(), List.of(), p.at(), null, null, p.originPod(), p.hlc(), p.attachments(),
                p.bot());
        MessagesTable.insert(c, m);
        FilesTable.claim(c, p.chatId(), m.id(), p.actorId(), p.attachments());
        EventsTable.insert(c, p.chatId(), seq, EventType.MESSAGE_POSTED, m.id(), p.actorId(), p.clientId(), null,
                p.hlc(), p.at());
        List<ChatEvent> events = new ArrayList<>(2);
        events.add(event(p, seq, EventType.MESSAGE_POSTED, null, m));
        if (p.threadRootId() != null) {
            MessagesTable.countReply(c, p.threadRootId(), p.actorId(), p.at());
            long rootSeq = EventsTable.nextSeq(c, p.chatId());
            EventsTable.insert(c, p.chatId(), rootSeq, EventType.THREAD_UPDATED, p.threadRootId(), p.actorId(), null,
                    null, p.hlc(), p.at());
            events.add(event(p, rootSeq, EventType.THREAD_UPDATED, null, current(c, p.threadRootId())));
        }
        return new LogResult(events, m, seq, false);
    }

    private LogResult edit(Connection c, LogCommand.Edit e) throws SQLException {
        Message m = live(c, e);
        if (!MessagesTable.edit(c, e.messageId(), e.content(), e.mentions(), e.at(), e.hlc())) {
            return noOp(c, m); // a newer edit is stored already: last writer wins
        }
        return appended(c, e, EventType.MESSAGE_EDITED, null);
    }

    private LogResult delete(Connection c, LogCommand.Delete d) throws SQLException {
        Message m = existing(c, d);
        if (!MessagesTable.tombstone(c, d.messageId(), d.at(), d.hlc())) return noOp(c, m);
        ReactionsTable.removeAll(c, d.messageId());
        if (!m.attachments().isEmpty()) FilesTable.deleteForMessage(c, d.messageId(), d.at()); // files go with their message
        return appended(c, d, EventType.MESSAGE_DELETED, null);
    }

    private LogResult react(Connection c, LogCommand.React r) throws SQLException {
        Message m = live(c, r);
        if (r.add()) {
            if (ReactionsTable.exists(c, r.messageId(), r.emoji(), r.actorId())) return noOp(c, m);
            long seq = EventsTable.nextSeq(c, r.chatId());
            ReactionsTable.add(c, r.messageId(), r.emoji(), r.actorId(), seq, r.at());
            return appended(c, r, seq, EventType.REACTION_ADDED, r.emoji());
        }
        if (!ReactionsTable.remove(c, r.messageId(), r.emoji(), r.actorId())) return noOp(c, m);
        return appended(c, r, EventType.REACTION_REMOVED, r.emoji());
    }

    /** Appends the command's event after its change was written. */
    private LogResult appended(Connection c, LogCommand cmd, EventType type, String emoji) throws SQLException {
        return appended(c, cmd, EventsTable.nextSeq(c, cmd.chatId()), type, emoji);
    }

    private LogResult appended(Connection c, LogCommand cmd, long seq, EventType type, String emoji) throws SQLException {
        UUID messageId = messageId(cmd);
        EventsTable.insert(c, cmd.chatId(), seq, type, messageId, cmd.actorId(), cmd.clientId(), emoji, cmd.hlc(), cmd.at());
        Message now = current(c, messageId);
        return new LogResult(List.of(event(cmd, seq, type, emoji, now)), now, seq, false);
    }

    private static LogResult noOp(Connection c, Message m) throws SQLException {
        return new LogResult(List.of(), ReactionsTable.attach(c, m), m.seq(), false);
    }

    private static Message existing(Connection c, LogCommand cmd) throws SQLException {
        return MessagesTable.byId(c, messageId(cmd))
                .filter(m -> m.chatId().equals(cmd.chatId()))
                .orElseThrow(() -> ParleyException.notFound("no such message"));
    }

    private static Message live(Connection c, LogCommand cmd) throws SQLException {
        Message m = existing(c, cmd);
        if (m.deleted()) throw ParleyException.notFound("the message was deleted");
        return m;
    }

    private static Message current(Connection c, UUID id) throws SQLException {
        Message m = MessagesTable.byId(c, id).orElseThrow(() -> new SQLException("message vanished: " + id));
        return ReactionsTable.attach(c, m);
    }

    private static UUID messageId(LogCommand cmd) {
        return switch (cmd) {
            case LogCommand.Post p -> p.messageId();
            case LogCommand.Edit e -> e.messageId();
            case LogCommand.Delete d -> d.messageId();
            case LogCommand.React r -> r.messageId();
        };
    }

    private static ChatEvent event(LogCommand cmd, long seq, EventType type, String emoji, Message m) {
        return new ChatEvent(cmd.workspaceId(), cmd.chatId(), seq, type, cmd.actorId(), emoji, m, cmd.at());
    }
}
