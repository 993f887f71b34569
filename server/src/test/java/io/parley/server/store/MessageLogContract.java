package io.parley.server.store;

import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;
import io.parley.core.error.ErrorCode;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import io.parley.core.chat.Mentions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link io.parley.core.store.MessageLog} part of the store contract: the group-commit writer and the reads. */
abstract class MessageLogContract extends StoreContract {

    List<Long> seqs(List<ChatEvent> events) { return events.stream().map(ChatEvent::seq).toList(); }

    List<EventType> types(List<ChatEvent> events) { return events.stream().map(ChatEvent::type).toList(); }

    long lastSeq(Room r) { return stores.chats().byId(r.chat().id()).orElseThrow().lastSeq(); }

    @Test
    void postIsStoredAndReadBack() {
        Room r = room();
        var cmd = post(r, r.owner().id(), "hello @ana and @here");
        LogResult res = append(cmd);
        Message m = res.message();
        assertAll(
                () -> assertEquals(1, res.seq()),
                () -> assertFalse(res.duplicate()),
                () -> assertEquals(List.of(EventType.MESSAGE_POSTED), types(res.events())),
                () -> assertEquals(r.ws().id(), res.events().getFirst().workspaceId()),
                () -> assertEquals(cmd.messageId(), m.id()),
                () -> assertEquals(cmd.clientId(), m.clientMsgId()),
                () -> assertEquals(List.of("ana"), m.mentions().handles()),
                () -> assertTrue(m.mentions().here()),
                () -> assertEquals("pod-a", m.originPod()),
                () -> assertEquals(cmd.hlc(), m.hlc()),
                () -> assertEquals(Optional.of(m), stores.messages().message(m.id())),
                () -> assertEquals(1, lastSeq(r)));
        assertTrue(stores.messages().message(UUID.randomUUID()).isEmpty());
    }

    @Test
    void postToAMissingChatIsNotFound() {
        Room r = room();
        var cmd = new LogCommand.Post(r.ws().id(), UUID.randomUUID(), r.owner().id(), id(), id(), "x", null,
                io.parley.core.chat.Mentions.NONE, "pod-a", 1, T0, List.of(), null);
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(cmd)));
    }

    @Test
    void contentIsStoredVerbatim() {
        Room r = room();
        for (String content : List.of("<script>alert('x')</script>", "'); DROP TABLE messages;--",
                "naïve 🎉 \"quotes\" \\ back\nslash", "%_ LIKE wildcards")) {
            UUID mid = append(post(r, r.owner().id(), content)).message().id();
            assertEquals(content, stores.messages().message(mid).orElseThrow().content());
        }
        assertEquals(4, stores.messages().history(r.chat().id(), null, null, 10).size());
    }

    @Test
    void historyPagesTopLevelMessagesInAscendingOrder() {
        Room r = room();
        List<Long> top = new ArrayList<>();
        for (int i = 0; i < 5; i++) top.add(append(post(r, r.owner().id(), "m" + i)).seq()); // seqs 1..5
        UUID root = stores.messages().history(r.chat().id(), null, null, 1).getFirst().id();
        append(post(r, r.owner().id(), "reply", root, id())); // seqs 6 (reply) and 7 (thread update)
        top.add(append(post(r, r.owner().id(), "m5")).seq()); // seq 8
        var h = stores.messages().history(r.chat().id(), null, null, 3);
        assertEquals(List.of(4L, 5L, 8L), h.stream().map(Message::seq).toList());
        assertEquals(List.of(2L, 3L), stores.messages().history(r.chat().id(), 4L, null, 2).stream().map(Message::seq).toList());
        assertEquals(List.of(3L, 4L), stores.messages().history(r.chat().id(), null, 2L, 2).stream().map(Message::seq).toList());
        assertEquals(top, stores.messages().history(r.chat().id(), null, null, 100).stream().map(Message::seq).toList());
        assertEquals(List.of(), stores.messages().history(r.chat().id(), null, 8L, 10));
    }

    @Test
    void repliesUpdateTheirThreadRootInTheSameTransaction() {
        Room r = room();
        UUID a = r.owner().id();
        UUID b = UUID.randomUUID();
        Message root = append(post(r, a, "root")).message();
        LogResult r1 = append(post(r, a, "r1", root.id(), id()));
        LogResult r2 = append(post(r, b, "r2", root.id(), id()));
        var later = new LogCommand.Post(r.ws().id(), r.chat().id(), a, id(), id(), "r3", root.id(),
                io.parley.core.chat.Mentions.NONE, "pod-a", HLC.incrementAndGet(), T0.plusSeconds(60), List.of(), null);
        LogResult r3 = append(later);
        assertAll(
                () -> assertEquals(List.of(EventType.MESSAGE_POSTED, EventType.THREAD_UPDATED), types(r1.events())),
                () -> assertEquals(List.of(2L, 3L), seqs(r1.events())),
                () -> assertEquals(root.id(), r1.events().get(1).message().id()),
                () -> assertEquals(1, r1.events().get(1).message().replyCount()),
                () -> assertEquals(List.of(a, b), r2.events().get(1).message().replyUsers()),
                () -> assertEquals(List.of(6L, 7L), seqs(r3.events())));
        Message now = stores.messages().message(root.id()).orElseThrow();
        assertAll(
                () -> assertEquals(3, now.replyCount()),
                () -> assertEquals(List.of(a, b), now.replyUsers()),
                () -> assertEquals(T0.plusSeconds(60), now.latestReplyAt()),
                () -> assertEquals(List.of("r1", "r2", "r3"),
                        stores.messages().replies(root.id(), 10).stream().map(Message::content).toList()),
                () -> assertEquals(List.of("r1", "r2"),
                        stores.messages().replies(root.id(), 2).stream().map(Message::content).toList()),
                () -> assertEquals(root.id(), stores.messages().replies(root.id(), 1).getFirst().threadRootId()));
        assertEquals(ErrorCode.INVALID, failure(stores.messages().append(post(r, a, "nested", r1.message().id(), id()))));
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(post(r, a, "orphan", UUID.randomUUID(), id()))));
        assertEquals(7, lastSeq(r), "failed commands take no seq");
    }

    @Test
    void aRetryReturnsTheOriginalResultAndCreatesNothing() {
        Room r = room();
        UUID clientId = id();
        LogResult first = append(post(r, r.owner().id(), "once", null, clientId));
        LogResult retry = append(post(r, r.owner().id(), "once", null, clientId)); // a new message id, same client id
        assertAll(
                () -> assertTrue(retry.duplicate()),
                () -> assertEquals(first.seq(), retry.seq()),
                () -> assertEquals(List.of(), retry.events()),
                () -> assertEquals(first.message().id(), retry.message().id()),
                () -> assertEquals(1, stores.messages().history(r.chat().id(), null, null, 10).size()),
                () -> assertEquals(1, lastSeq(r)));
        var e = edit(r, r.owner().id(), first.message().id(), "edited", HLC.incrementAndGet());
        LogResult edited = append(e);
        LogResult editRetry = append(e);
        assertTrue(editRetry.duplicate());
        assertEquals(edited.seq(), editRetry.seq());
        assertEquals(2, lastSeq(r));
    }

    @Test
    void oneBatchHandlesDuplicatesAndFailuresCommandByCommand() {
        Room r = room();
        UUID clientId = id();
        Message existing = append(post(r, r.owner().id(), "existing")).message();
        var stolenId = new LogCommand.Post(r.ws().id(), r.chat().id(), r.owner().id(), id(), existing.id(), "same id",
                null, io.parley.core.chat.Mentions.NONE, "pod-a", 5, T0, List.of(), null); // violates the messages primary key
        try (var writer = new LogWriter(stores.db(), 512)) { // not started: everything lands in one batch
            var first = writer.submit(post(r, r.owner().id(), "a", null, clientId));
            var dup = writer.submit(post(r, r.owner().id(), "a", null, clientId));
            var missing = writer.submit(edit(r, r.owner().id(), UUID.randomUUID(), "nope", HLC.incrementAndGet()));
            var second = writer.submit(post(r, r.owner().id(), "b"));
            writer.start();
            LogResult f = first.orTimeout(10, TimeUnit.SECONDS).join();
            LogResult d = dup.orTimeout(10, TimeUnit.SECONDS).join();
            assertAll(
                    () -> assertEquals(2, f.seq()),
                    () -> assertTrue(d.duplicate()),
                    () -> assertEquals(2, d.seq()),
                    () -> assertEquals(ErrorCode.NOT_FOUND, failure(missing)),
                    () -> assertEquals(3, second.orTimeout(10, TimeUnit.SECONDS).join().seq()));

            // A database error (not a validation) rolls the batch back; the others are retried one by one.
            var bad = writer.submit(stolenId);
            var c = writer.submit(post(r, r.owner().id(), "c"));
            assertEquals(ErrorCode.CONFLICT, failure(bad));
            assertEquals(4, c.orTimeout(10, TimeUnit.SECONDS).join().seq());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(stores.messages().eventsAfter(r.chat().id(), 0, 100)));
        assertEquals("existing", stores.messages().message(existing.id()).orElseThrow().content());
    }

    @Test
    void editsAreLastWriterWins() {
        Room r = room();
        Message m = append(post(r, r.owner().id(), "v1")).message();
        long newer = HLC.addAndGet(10);
        LogResult e1 = append(edit(r, r.owner().id(), m.id(), "v2 @bo", newer));
        assertEquals(List.of(EventType.MESSAGE_EDITED), types(e1.events()));
        assertEquals("v2 @bo", e1.message().content());
        assertEquals(List.of("bo"), e1.message().mentions().handles());
        assertNotNull(e1.message().editedAt());
        assertEquals(newer, e1.message().hlc());
        LogResult stale = append(edit(r, r.owner().id(), m.id(), "v0", newer - 5));
        assertEquals(List.of(), stale.events());
        assertEquals("v2 @bo", stores.messages().message(m.id()).orElseThrow().content());
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(edit(r, r.owner().id(), UUID.randomUUID(), "x", HLC.incrementAndGet()))));
        append(delete(r, r.owner().id(), m.id()));
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(edit(r, r.owner().id(), m.id(), "x", HLC.addAndGet(100)))));
    }

    @Test
    void deleteLeavesAnIdempotentTombstone() {
        Room r = room();
        Message m = append(post(r, r.owner().id(), "secret")).message();
        append(react(r, r.owner().id(), m.id(), ":+1:", true));
        LogResult d = append(delete(r, r.owner().id(), m.id()));
        assertEquals(List.of(EventType.MESSAGE_DELETED), types(d.events()));
        Message t = stores.messages().message(m.id()).orElseThrow();
        assertAll(
                () -> assertTrue(t.deleted()),
                () -> assertEquals("", t.content()),
                () -> assertEquals(List.of(), t.reactions()),
                () -> assertEquals(t, d.message()));
        LogResult again = append(delete(r, r.owner().id(), m.id()));
        assertEquals(List.of(), again.events());
        assertFalse(again.duplicate());
        assertEquals(3, lastSeq(r));
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(react(r, r.owner().id(), m.id(), ":x:", true))));
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(delete(r, r.owner().id(), UUID.randomUUID()))));
    }

    @Test
    void reactionsAreAnIdempotentAddRemoveSet() {
        Room r = room();
        UUID a = r.owner().id();
        UUID b = UUID.randomUUID();
        Message m = append(post(r, a, "react to me")).message();
        LogResult added = append(react(r, a, m.id(), ":+1:", true));
        assertEquals(List.of(EventType.REACTION_ADDED), types(added.events()));
        assertEquals(":+1:", added.events().getFirst().emoji());
        assertEquals(List.of(), append(react(r, a, m.id(), ":+1:", true)).events());
        append(react(r, b, m.id(), "🎉", true));
        append(react(r, b, m.id(), ":+1:", true));
        assertEquals(List.of(new Reaction(":+1:", List.of(a, b)), new Reaction("🎉", List.of(b))),
                stores.messages().message(m.id()).orElseThrow().reactions());
        LogResult removed = append(react(r, a, m.id(), ":+1:", false));
        assertEquals(List.of(EventType.REACTION_REMOVED), types(removed.events()));
        // b's 🎉 (seq 3) now predates the oldest remaining :+1: (b's, seq 4)
        assertEquals(List.of(new Reaction("🎉", List.of(b)), new Reaction(":+1:", List.of(b))), removed.message().reactions());
        assertEquals(List.of(), append(react(r, a, m.id(), ":+1:", false)).events());
        assertEquals(5, lastSeq(r));
    }

    @Test
    void eventsAfterReplaysTheLogWithCurrentState() {
        Room r = room();
        UUID a = r.owner().id();
        Message m1 = append(post(r, a, "one")).message();
        Message m2 = append(post(r, a, "two")).message();
        append(edit(r, a, m1.id(), "one!", HLC.incrementAndGet()));
        append(react(r, a, m2.id(), ":eyes:", true));
        append(post(r, a, "reply", m2.id(), id()));
        List<ChatEvent> all = stores.messages().eventsAfter(r.chat().id(), 0, 100);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs(all));
        assertEquals(List.of(EventType.MESSAGE_POSTED, EventType.MESSAGE_POSTED, EventType.MESSAGE_EDITED,
                EventType.REACTION_ADDED, EventType.MESSAGE_POSTED, EventType.THREAD_UPDATED), types(all));
        assertAll(
                () -> assertEquals("one!", all.get(0).message().content(), "current state, not the state at seq 1"),
                () -> assertEquals(List.of(new Reaction(":eyes:", List.of(a))), all.get(1).message().reactions()),
                () -> assertEquals(1, all.get(5).message().replyCount()),
                () -> assertEquals(":eyes:", all.get(3).emoji()),
                () -> assertNull(all.get(0).emoji()),
                () -> assertEquals(r.ws().id(), all.get(0).workspaceId()),
                () -> assertEquals(a, all.get(0).actorId()));
        assertEquals(List.of(3L, 4L), seqs(stores.messages().eventsAfter(r.chat().id(), 2, 2)));
        assertEquals(List.of(), stores.messages().eventsAfter(r.chat().id(), 6, 10));
        assertEquals(List.of(), stores.messages().eventsAfter(UUID.randomUUID(), 0, 10));
    }

    @Test
    void futuresCompleteOnlyAfterCommit() {
        try (Stores other = Stores.open(config(), "pod-a")) { // separate pools: sees only committed rows
            Room r = room();
            List<CompletableFuture<Boolean>> seen = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                seen.add(stores.messages().append(post(r, r.owner().id(), "m" + i))
                        .thenApply(res -> other.messages().message(res.message().id()).isPresent()));
            }
            for (var f : seen) assertTrue(f.orTimeout(20, TimeUnit.SECONDS).join());
        }
    }

    @Test
    void seqsAreGapFreePerChatUnderConcurrency() {
        Room r1 = room();
        Room r2 = room();
        int threads = 8;
        int perThread = 200;
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            List<CompletableFuture<LogResult>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    UUID actor = UUID.randomUUID();
                    pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            Room r = i % 2 == 0 ? r1 : r2;
                            futures.add(stores.messages().append(post(r, actor, "c" + i)));
                        }
                    });
                }
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
        });
        int per = threads * perThread / 2;
        List<Long> expected = LongStream.rangeClosed(1, per).boxed().toList();
        for (Room r : List.of(r1, r2)) {
            assertEquals(expected, seqs(stores.messages().eventsAfter(r.chat().id(), 0, per + 10)));
            assertEquals(per, lastSeq(r));
            assertEquals(per, stores.messages().history(r.chat().id(), null, null, per + 10).size());
        }
    }

    @Test
    void twoWritersOnTheSameChatsKeepSeqsGapFreeAndNeverDeadlock() {
        // Two writers on one database are two nodes of a pod: their batches lock the same chat rows.
        List<Room> rooms = List.of(room(), room(), room(), room(), room());
        int perWriter = 600;
        List<CompletableFuture<LogResult>> futures = new ArrayList<>();
        try (var a = new LogWriter(stores.db(), 512); var b = new LogWriter(stores.db(), 512)) {
            a.start();
            b.start();
            var rnd = new java.util.Random(7);
            for (int i = 0; i < perWriter; i++) {
                for (LogWriter w : List.of(a, b)) {
                    Room r = rooms.get(rnd.nextInt(rooms.size()));
                    futures.add(w.submit(post(r, r.owner().id(), "m" + i)));
                }
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get());
        }
        long total = 0;
        for (Room r : rooms) {
            long n = lastSeq(r);
            total += n;
            assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), seqs(stores.messages().eventsAfter(r.chat().id(), 0, (int) n + 10)));
        }
        assertEquals(2L * perWriter, total);
    }

    // ---- files ----

    io.parley.core.files.FileInfo upload(Room r, UUID uploader, String name, String sha) {
        var f = new io.parley.core.files.FileInfo(id(), r.ws().id(), uploader, name, "text/plain", 100, sha, null, null, null, T0,
                null, null, null, null);
        stores.files().insert(f);
        return f;
    }

    static LogCommand.Post withFiles(Room r, UUID actor, io.parley.core.files.FileInfo... files) {
        return new LogCommand.Post(r.ws().id(), r.chat().id(), actor, id(), id(), "", null, Mentions.NONE, "pod-a",
                HLC.incrementAndGet(), T0, java.util.Arrays.stream(files).map(io.parley.core.files.FileInfo::attachment).toList(), null);
    }

    @Test
    void aPostClaimsItsFilesAtomicallyAndOnce() {
        Room r = room();
        UUID other = UUID.randomUUID();
        var a = upload(r, r.owner().id(), "a.txt", "a".repeat(64));
        var b = upload(r, r.owner().id(), "b.txt", "b".repeat(64));
        var theirs = upload(r, other, "c.txt", "c".repeat(64));
        LogResult posted = append(withFiles(r, r.owner().id(), a, b));
        assertEquals(List.of(a.id(), b.id()), posted.message().attachments().stream().map(io.parley.core.chat.Attachment::id).toList());
        assertEquals(posted.message().attachments(), stores.messages().message(posted.message().id()).orElseThrow().attachments());
        var claimed = stores.files().byId(a.id()).orElseThrow();
        assertEquals(posted.message().id(), claimed.messageId());
        assertEquals(r.chat().id(), claimed.chatId());

        long seq = lastSeq(r);
        var c = upload(r, r.owner().id(), "d.txt", "d".repeat(64));
        assertEquals(ErrorCode.CONFLICT, failure(stores.messages().append(withFiles(r, r.owner().id(), c, a))), "a is taken");
        assertEquals(ErrorCode.NOT_FOUND, failure(stores.messages().append(withFiles(r, r.owner().id(), theirs))), "not the actor's");
        assertEquals(seq, lastSeq(r), "a refused post writes nothing");
        assertFalse(stores.files().byId(c.id()).orElseThrow().attached(), "and claims nothing");
    }

    @Test
    void deletingTheMessageDeletesItsFilesAndFreesTheirBlobs() {
        Room r = room();
        String shared = UUID.randomUUID().toString().replace("-", "").repeat(2);
        var gone = upload(r, r.owner().id(), "gone.txt", shared);
        var twin = upload(r, r.owner().id(), "twin.txt", shared); // the same bytes, uploaded again
        var only = upload(r, r.owner().id(), "only.txt", UUID.randomUUID().toString().replace("-", "").repeat(2));
        LogResult posted = append(withFiles(r, r.owner().id(), gone, only));
        append(delete(r, r.owner().id(), posted.message().id()));
        assertTrue(stores.messages().message(posted.message().id()).orElseThrow().attachments().isEmpty(), "a tombstone has no files");
        assertTrue(stores.files().byId(gone.id()).orElseThrow().deleted());
        Instant now = Instant.now();
        List<String> orphans = stores.files().orphanedBlobs(now);
        assertTrue(orphans.contains(only.sha256()));
        assertFalse(orphans.contains(shared), "the twin still uses the shared blob");
        stores.files().purgeDeleted(now, List.of());
        assertTrue(stores.files().byId(gone.id()).isEmpty());
        assertTrue(stores.files().byId(twin.id()).isPresent());
        assertFalse(stores.files().orphanedBlobs(now).contains(only.sha256()), "forgotten once purged");
    }

    @Test
    void filesAreCountedExpiredAndFoundByName() {
        Room r = room();
        var report = upload(r, r.owner().id(), "Q3 100% Report.pdf", "e".repeat(64));
        var notes = upload(r, r.owner().id(), "notes_q3.txt", "f".repeat(64));
        var stale = upload(r, r.owner().id(), "stale.txt", "0".repeat(64));
        append(withFiles(r, r.owner().id(), report, notes));
        assertEquals(300, stores.files().usedBytes(r.ws().id()));
        assertTrue(stores.files().expireUnattached(T0.plusSeconds(1), T0.plusSeconds(2)) >= 1); // other tests' too: one database
        assertTrue(stores.files().byId(stale.id()).orElseThrow().deleted());
        assertFalse(stores.files().byId(report.id()).orElseThrow().deleted(), "attached files do not expire");
        assertEquals(200, stores.files().usedBytes(r.ws().id()));
        Set<UUID> chats = Set.of(r.chat().id());
        assertEquals(List.of(report.id()), ids(stores.files().findByName(chats, null, List.of("report", "q3"), 0, 10)));
        assertEquals(List.of(report.id()), ids(stores.files().findByName(chats, null, List.of("100%"), 0, 10)), "% is literal");
        assertEquals(List.of(notes.id()), ids(stores.files().findByName(chats, null, List.of("_q"), 0, 10)), "_ is literal");
        assertEquals(2, stores.files().findByName(chats, Set.of(r.owner().id()), List.of(), 0, 10).size());
        assertTrue(stores.files().findByName(chats, Set.of(UUID.randomUUID()), List.of(), 0, 10).isEmpty());
        assertTrue(stores.files().findByName(Set.of(UUID.randomUUID()), null, List.of("report"), 0, 10).isEmpty());
    }

    @Test
    void webhooksAreFoundByTokenHashRotatedAndDeleted() {
        Room r = room();
        var hook = new io.parley.core.webhook.Webhook(id(), r.ws().id(), r.chat().id(), "Alerts", ":fire:", null,
                "h".repeat(64), r.owner().id(), T0);
        stores.webhooks().insert(hook);
        assertEquals(hook, stores.webhooks().byTokenHash("h".repeat(64)).orElseThrow());
        assertEquals(List.of(hook), stores.webhooks().inWorkspace(r.ws().id()));
        assertTrue(stores.webhooks().rotate(hook.id(), "k".repeat(64)));
        assertTrue(stores.webhooks().byTokenHash("h".repeat(64)).isEmpty(), "the old token is dead");
        assertEquals(hook.id(), stores.webhooks().byTokenHash("k".repeat(64)).orElseThrow().id());
        assertTrue(stores.webhooks().delete(hook.id()));
        assertFalse(stores.webhooks().delete(hook.id()));
        assertTrue(stores.webhooks().byId(hook.id()).isEmpty());
    }

    private static List<UUID> ids(List<io.parley.core.files.FileInfo> files) {
        return files.stream().map(io.parley.core.files.FileInfo::id).toList();
    }
}
