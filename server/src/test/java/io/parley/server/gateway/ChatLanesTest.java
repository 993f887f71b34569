package io.parley.server.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.server.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-chat order and gap repair off the bus thread, chats independent of each other, and lanes that do not pile up. */
@Timeout(30)
class ChatLanesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final UUID A = new UUID(0, 0xA), B = new UUID(0, 0xB);

    /** The committed log: every chat's events, readable as the lanes read them. */
    private static class Log implements ChatLanes.Store {
        final Map<UUID, List<ChatEvent>> byChat = new ConcurrentHashMap<>();

        ChatEvent commit(UUID chat, long seq) {
            ChatEvent e = new ChatEvent(new UUID(0, 1), chat, seq, EventType.MESSAGE_POSTED, new UUID(0, 2), null, null, Instant.EPOCH);
            byChat.computeIfAbsent(chat, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(e);
            return e;
        }

        @Override
        public List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit) {
            return byChat.getOrDefault(chatId, List.of()).stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
        }

        @Override
        public Map<UUID, Long> lastSeqs(Set<UUID> chatIds) {
            Map<UUID, Long> out = new HashMap<>();
            for (UUID c : chatIds) out.put(c, byChat.getOrDefault(c, List.of()).stream().mapToLong(ChatEvent::seq).max().orElse(0));
            return out;
        }
    }

    /** What reached the members, per chat, in order. */
    private final Map<UUID, List<Long>> delivered = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong(1_000);

    private ChatLanes lanes(ChatLanes.Store store, boolean selective) {
        return new ChatLanes(store, selective, e -> delivered.computeIfAbsent(e.chatId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(e.seq()), new GatewayMetrics(new SimpleMeterRegistry()), clock::get);
    }

    private List<Long> seqs(UUID chat) {
        return List.copyOf(delivered.getOrDefault(chat, List.of()));
    }

    private void awaitSeqs(UUID chat, List<Long> expected) throws InterruptedException {
        Await.until(WAIT, "chat " + chat + " to get " + expected + " (has " + seqs(chat) + ")", () -> seqs(chat).equals(expected));
    }

    @Test
    void aSlowGapRepairOfOneChatDoesNotDelayAnother() throws Exception {
        CountDownLatch repairing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Log log = new Log() {
            @Override
            public List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit) {
                if (chatId.equals(A)) {
                    repairing.countDown();
                    try {
                        assertTrue(release.await(20, TimeUnit.SECONDS), "the test never released the read");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return super.eventsAfter(chatId, afterSeq, limit);
            }
        };
        ChatLanes lanes = lanes(log, false);
        lanes.submit(log.commit(A, 1));
        log.commit(A, 2); // lost on the bus
        lanes.submit(log.commit(A, 3));
        assertTrue(repairing.await(10, TimeUnit.SECONDS), "chat A's gap repair never read the store");

        lanes.submit(log.commit(B, 1));
        lanes.submit(log.commit(B, 2));
        awaitSeqs(B, List.of(1L, 2L));
        assertEquals(List.of(1L), seqs(A), "chat A delivers nothing past its hole while the read is pending");

        release.countDown();
        awaitSeqs(A, List.of(1L, 2L, 3L));
    }

    @Test
    void aFreeLaneDeliversOnTheCallersThreadAndAGapGoesToTheLanesOwnThread() throws Exception {
        Map<Long, Thread> deliveredOn = new ConcurrentHashMap<>();
        Log log = new Log();
        ChatLanes lanes = new ChatLanes(log, false, e -> deliveredOn.put(e.seq(), Thread.currentThread()),
                new GatewayMetrics(new SimpleMeterRegistry()), clock::get);
        lanes.submit(log.commit(A, 1));
        assertEquals(Thread.currentThread(), deliveredOn.get(1L), "delivered before submit returned, on the bus thread");
        log.commit(A, 2); // lost on the bus
        lanes.submit(log.commit(A, 3));
        Await.until(WAIT, "the gap to be repaired", () -> deliveredOn.containsKey(3L));
        assertTrue(deliveredOn.get(2L).isVirtual() && deliveredOn.get(3L).isVirtual(), "the store was read off the bus thread");
    }

    @Test
    void duplicatesAreDroppedAndGapsFilledInSeqOrder() throws Exception {
        Log log = new Log();
        ChatLanes lanes = lanes(log, false);
        lanes.submit(log.commit(A, 1));
        lanes.submit(log.commit(A, 2));
        log.commit(A, 3);
        log.commit(A, 4);
        lanes.submit(log.commit(A, 5));
        lanes.submit(log.byChat.get(A).get(1)); // seq 2 again
        lanes.submit(log.commit(A, 6));
        awaitSeqs(A, List.of(1L, 2L, 3L, 4L, 5L, 6L));
    }

    @Test
    void aFailedRepairHoldsTheRestBackUntilTheCatchUp() throws Exception {
        AtomicBoolean storeDown = new AtomicBoolean(true);
        CountDownLatch failedReads = new CountDownLatch(2);
        Log log = new Log() {
            @Override
            public List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit) {
                if (storeDown.get()) {
                    failedReads.countDown();
                    throw new IllegalStateException("store down");
                }
                return super.eventsAfter(chatId, afterSeq, limit);
            }
        };
        ChatLanes lanes = lanes(log, false);
        lanes.submit(log.commit(A, 1));
        log.commit(A, 2);
        lanes.submit(log.commit(A, 3));
        lanes.submit(log.commit(A, 4));
        assertTrue(failedReads.await(10, TimeUnit.SECONDS), "seqs 3 and 4 should each have tried to repair the hole");
        CountDownLatch drained = new CountDownLatch(1);
        lanes.run(A, drained::countDown); // queued behind both: once it ran, A's lane has had its chance to deliver
        assertTrue(drained.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(1L), seqs(A), "nothing past the hole while the store is down");
        storeDown.set(false);
        lanes.catchUp();
        awaitSeqs(A, List.of(1L, 2L, 3L, 4L));
    }

    @Test
    void onOneNodeIdleLanesAreDroppedWithTheirSeqs() throws Exception {
        Log log = new Log();
        ChatLanes lanes = lanes(log, false);
        List<UUID> chats = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            UUID chat = UUID.randomUUID();
            chats.add(chat);
            lanes.submit(log.commit(chat, 1));
        }
        for (UUID chat : chats) awaitSeqs(chat, List.of(1L));
        lanes.catchUp();
        assertEquals(200, lanes.size(), "lanes idle for less than IDLE_AFTER are kept");

        clock.addAndGet(ChatLanes.IDLE_AFTER.toMillis());
        Await.until(WAIT, "idle lanes to retire", () -> {
            lanes.catchUp();
            return lanes.size() == 0;
        });
        lanes.submit(log.commit(chats.getFirst(), 2)); // a retired chat starts a fresh lane
        awaitSeqs(chats.getFirst(), List.of(1L, 2L));
    }

    @Test
    void onAPodBusOnlyWatchedChatsKeepALaneAndTheCatchUpDeliversALostTail() throws Exception {
        Log log = new Log();
        ChatLanes lanes = lanes(log, true);
        lanes.started(Map.of(A, 0L));
        lanes.submit(log.commit(A, 1));
        lanes.submit(log.commit(B, 7)); // published here for a chat with no member here: delivered, not tracked
        awaitSeqs(A, List.of(1L));
        awaitSeqs(B, List.of(7L));
        Await.until(WAIT, "the unwatched chat's lane to retire", () -> lanes.size() == 1);

        log.commit(A, 2); // lost between nodes, and nothing follows it
        log.commit(A, 3);
        lanes.catchUp();
        awaitSeqs(A, List.of(1L, 2L, 3L));

        lanes.stopped(Set.of(A));
        Await.until(WAIT, "the lane of a chat no longer watched to retire", () -> {
            lanes.catchUp();
            return lanes.size() == 0;
        });
    }
}
