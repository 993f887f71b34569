package io.parley.server.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Message;
import io.parley.core.error.ParleyException;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The writer's fast path for the common case: a run of plain posts (not thread replies). Instead of
 * five statements per message it spends, for the whole run, one idempotency query, one seq update per
 * chat ({@code last_seq = last_seq + n}, which also takes the chat's row lock on PostgreSQL) and two
 * batched inserts — so a group commit of hundreds of messages is a handful of round trips.
 *
 * <p>(The idempotency check is one query per chat of the run, on the unique index's (chat_id, client_id) prefix.)
 *
 * <p>On PostgreSQL the chat rows are the lock every node of a pod takes to write a chat, held from the first
 * seq update to the commit; while one node holds them the others wait. So there the run's seqs cost two round
 * trips whatever the number of chats: lock them all in one statement, in the order every writer uses (ids in
 * byte order, which the writer also sorts its batch by), then bump them all in one more.
 *
 * <p>Posts with attachments are not plain (they claim files) and take {@link CommandApplier}'s path.
 *
 * <p>Semantics are those of {@link CommandApplier} for a post: a (chat, actor, client id) already in
 * the log, or earlier in the same run, is a duplicate that returns the original seq and writes nothing;
 * each chat's new messages take consecutive seqs in arrival order.
 */
final class BulkPoster {
    private static final String PRIOR = "SELECT chat_id, actor_id, client_id, seq, message_id FROM chat_events"
            + " WHERE chat_id = ? AND client_id IN (";
    private static final String ADD_SEQ = "UPDATE chats SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq";
    private static final String PG_LOCK = "SELECT id FROM chats WHERE id = ANY (?) ORDER BY id COLLATE \"C\" FOR UPDATE";
    private static final String PG_ADD_SEQS = "UPDATE chats SET last_seq = chats.last_seq + v.n"
            + " FROM unnest(?::text[], ?::bigint[]) AS v (id, n) WHERE chats.id = v.id RETURNING chats.id, chats.last_seq";

    private record Key(UUID chat, UUID actor, UUID client) {}

    private BulkPoster() {}

    /** {@return one outcome per post, in order: a LogResult, or a ParleyException for that post alone} */
    static Object[] apply(Connection c, List<LogCommand.Post> posts, StoreKind kind) throws SQLException {
        Object[] outcomes = new Object[posts.size()];
        Map<Key, EventsTable.Prior> prior = prior(c, posts);
        // Which posts are new, grouped per chat in arrival order; duplicates point at their original.
        Map<UUID, List<Integer>> freshByChat = new LinkedHashMap<>();
        Map<Key, Integer> firstInRun = new HashMap<>();
        int[] duplicateOf = new int[posts.size()];
        for (int i = 0; i < posts.size(); i++) {
            LogCommand.Post p = posts.get(i);
            Key k = new Key(p.chatId(), p.actorId(), p.clientId());
            duplicateOf[i] = -1;
            if (prior.containsKey(k)) continue;
            Integer first = firstInRun.putIfAbsent(k, i);
            if (first != null) {
                duplicateOf[i] = first;
                continue;
            }
            freshByChat.computeIfAbsent(p.chatId(), x -> new ArrayList<>()).add(i);
        }
        // Seqs: each chat's last seq after its fresh posts were counted in, taking the chat rows' locks in chat
        // order (the caller sorted the batch) so writers never deadlock.
        Map<UUID, Long> lastSeq = kind == StoreKind.POSTGRES ? addSeqsPostgres(c, freshByChat) : addSeqs(c, freshByChat);
        Message[] created = new Message[posts.size()];
        for (var e : freshByChat.entrySet()) {
            List<Integer> idx = e.getValue();
            Long last = lastSeq.get(e.getKey());
            if (last == null) {
                for (int i : idx) outcomes[i] = ParleyException.notFound("no such chat");
                continue;
            }
            long seq = last - idx.size();
            for (int i : idx) {
                LogCommand.Post p = posts.get(i);
                created[i] = new Message(p.messageId(), p.chatId(), ++seq, p.actorId(), p.clientId(), p.content(), null,
                        0, null, List.of(), p.mentions(), List.of(), p.at(), null, null, p.originPod(), p.hlc(),
                        List.of(), p.bot());
            }
        }
        MessagesTable.insertAll(c, java.util.Arrays.stream(created).filter(java.util.Objects::nonNull).toList());
        EventsTable.insertPosted(c, java.util.Arrays.stream(created).filter(java.util.Objects::nonNull).toList());
        for (int i = 0; i < posts.size(); i++) {
            if (outcomes[i] != null) continue;
            LogCommand.Post p = posts.get(i);
            if (created[i] != null) {
                outcomes[i] = new LogResult(List.of(new ChatEvent(p.workspaceId(), p.chatId(), created[i].seq(),
                        EventType.MESSAGE_POSTED, p.actorId(), null, created[i], p.at())), created[i], created[i].seq(), false);
            }
        }
        // Duplicates last: their originals (earlier in this run, or already stored) are now readable.
        for (int i = 0; i < posts.size(); i++) {
            if (outcomes[i] != null) continue;
            LogCommand.Post p = posts.get(i);
            if (duplicateOf[i] >= 0) {
                Object original = outcomes[duplicateOf[i]];
                outcomes[i] = original instanceof LogResult r ? new LogResult(List.of(), r.message(), r.seq(), true) : original;
            } else {
                EventsTable.Prior was = prior.get(new Key(p.chatId(), p.actorId(), p.clientId()));
                Message m = MessagesTable.byId(c, was.messageId())
                        .orElseThrow(() -> new SQLException("event without message: " + was.messageId()));
                outcomes[i] = new LogResult(List.of(), ReactionsTable.attach(c, m), was.seq(), true);
            }
        }
        return outcomes;
    }

    /** One update per chat, in the map's (the batch's) chat order. */
    private static Map<UUID, Long> addSeqs(Connection c, Map<UUID, List<Integer>> freshByChat) throws SQLException {
        Map<UUID, Long> last = new HashMap<>();
        try (PreparedStatement seqs = c.prepareStatement(ADD_SEQ)) {
            for (var e : freshByChat.entrySet()) {
                seqs.setLong(1, e.getValue().size());
                Cols.uuid(seqs, 2, e.getKey());
                try (ResultSet rs = seqs.executeQuery()) {
                    if (rs.next()) last.put(e.getKey(), rs.getLong(1));
                }
            }
        }
        return last;
    }

    /** Two statements for all the chats: lock them in byte order of their ids, then bump them together. */
    private static Map<UUID, Long> addSeqsPostgres(Connection c, Map<UUID, List<Integer>> freshByChat) throws SQLException {
        Map<UUID, Long> last = new HashMap<>();
        if (freshByChat.isEmpty()) return last;
        String[] ids = new String[freshByChat.size()];
        Long[] counts = new Long[freshByChat.size()];
        int k = 0;
        for (var e : freshByChat.entrySet()) {
            ids[k] = e.getKey().toString();
            counts[k++] = (long) e.getValue().size();
        }
        try (PreparedStatement lock = c.prepareStatement(PG_LOCK)) {
            lock.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) { /* the rows are locked as they are read */ }
            }
        }
        try (PreparedStatement add = c.prepareStatement(PG_ADD_SEQS)) {
            add.setArray(1, c.createArrayOf("text", ids));
            add.setArray(2, c.createArrayOf("bigint", counts));
            try (ResultSet rs = add.executeQuery()) {
                while (rs.next()) last.put(UUID.fromString(rs.getString(1)), rs.getLong(2));
            }
        }
        return last;
    }

    private static Map<Key, EventsTable.Prior> prior(Connection c, List<LogCommand.Post> posts) throws SQLException {
        Map<UUID, List<UUID>> clientsByChat = new LinkedHashMap<>();
        for (LogCommand.Post p : posts) clientsByChat.computeIfAbsent(p.chatId(), x -> new ArrayList<>()).add(p.clientId());
        Map<Key, EventsTable.Prior> found = new HashMap<>();
        for (var e : clientsByChat.entrySet()) {
            List<UUID> clients = e.getValue();
            StringBuilder sql = new StringBuilder(PRIOR);
            for (int i = 0; i < clients.size(); i++) sql.append(i == 0 ? "?" : ",?");
            sql.append(')');
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                Cols.uuid(ps, 1, e.getKey());
                for (int i = 0; i < clients.size(); i++) Cols.uuid(ps, i + 2, clients.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(new Key(Cols.uuid(rs, "chat_id"), Cols.uuid(rs, "actor_id"), Cols.uuid(rs, "client_id")),
                                new EventsTable.Prior(rs.getLong("seq"), Cols.uuid(rs, "message_id")));
                    }
                }
            }
        }
        return found;
    }
}
