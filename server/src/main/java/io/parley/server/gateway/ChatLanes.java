package io.parley.server.gateway;

import io.parley.core.chat.ChatEvent;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Per-chat order and gap repair for this node's deliveries: each chat has a lane, a serial queue of work, so one
 * chat's events reach its members in seq order while other chats proceed on their own, and a slow store read during
 * a gap repair stalls only its chat.
 *
 * <p>Where the work runs: when a chat's lane is free, work that needs no store read runs at once on the caller's
 * thread (the bus thread), as all delivery did before lanes: the common case costs no hand-over and keeps the
 * delivery CPU on a platform thread that the OS schedules beside the virtual threads that read the sockets. Work
 * that reads the store (a gap repair, a catch-up) and work that finds its lane busy is queued, and the queue is
 * drained by one virtual thread at a time, which the bus thread never waits for. An event that finds a gap while
 * running on the caller's thread does not read there: it goes back to the head of the queue and the lane's virtual
 * thread repairs and delivers it.
 *
 * <p>Ordering and gaps: a lane remembers the last seq it delivered. An event at or below it is a duplicate
 * (at-least-once bus) and is dropped; an event past {@code last + 1} means the bus lost or reordered something, so
 * the missing events are read from the store and delivered first. Seqs are committed gap-free (the chat row lock
 * serialises them), so anything the store has below a committed seq is final. A bus that drops events therefore
 * costs latency, never content. If the repair read fails (the store is down), nothing past the hole is delivered:
 * the lane is marked behind and {@link #catchUp()} delivers the whole run in order once the store answers.
 *
 * <p>Other work of a chat (its membership, update, receipt, typing and org-peer frames) runs in the same lane, so a
 * client sees a chat's frames in the order the bus brought them, as when everything ran on the bus thread. Across
 * chats there is no order, as there was none between a pod bus's threads.
 *
 * <p>Interest (a pod's selective bus): the lanes learn from {@link ChatInterest} which chats the node watches, and
 * track seqs only for those; an event of an unwatched chat (one this node published for a chat without local
 * members) is handed to whoever is connected and not tracked. Every {@link #CATCH_UP_EVERY}, and after every
 * reconnect to the broker, {@link #catchUp()} compares the watched chats' last seqs in the store with what was
 * delivered and repairs the difference in their lanes, so an event lost between nodes (a broker outage, a node
 * killed between commit and publish) reaches clients even when nothing follows it in that chat.
 *
 * <p>Bounded state: a lane and its seq live while its chat is watched (a pod: while a local member is connected),
 * and otherwise only while it has work or, on one node, until it has been idle for {@link #IDLE_AFTER}. The next
 * event of a retired chat starts a fresh lane that delivers it as it comes, as for a chat seen the first time.
 * A lane retires only when its queue is empty and no thread runs it, under its monitor; work offered to a
 * retired lane goes to a fresh one, so no work is lost and two lanes of one chat never run at once.
 */
final class ChatLanes implements ChatInterest.Listener {
    /** How often the lanes compare the watched chats with the store (and retire idle lanes). */
    static final Duration CATCH_UP_EVERY = Duration.ofSeconds(2);
    /** On one node, a lane with nothing to do for this long is dropped with its seq. */
    static final Duration IDLE_AFTER = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(ChatLanes.class);
    private static final long NONE = -1;

    /** What the lanes read from the store. */
    interface Store {
        /** {@return up to {@code limit} events of the chat after {@code afterSeq}, in seq order} */
        List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit);

        /** {@return the last committed seq of each chat} */
        Map<UUID, Long> lastSeqs(Set<UUID> chatIds);

        static Store of(MessageLog messages, ChatStore chats) {
            return new Store() {
                public List<ChatEvent> eventsAfter(UUID chatId, long afterSeq, int limit) { return messages.eventsAfter(chatId, afterSeq, limit); }
                public Map<UUID, Long> lastSeqs(Set<UUID> chatIds) { return chats.lastSeqs(chatIds); }
            };
        }
    }

    private final Store store;
    private final boolean selective;
    private final Consumer<ChatEvent> deliver;
    private final GatewayMetrics metrics;
    private final LongSupplier millis;
    private final Executor executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-lane-", 0).factory());
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    /** The chats the node watches (a selective bus only). */
    private final Set<UUID> watched = ConcurrentHashMap.newKeySet();

    /**
     * @param selective whether the bus delivers only watched chats (a pod), whose seqs are then tracked while watched
     * @param deliver hands one event to the chat's local members (called in the chat's lane)
     * @param millis the clock of lane idleness
     */
    ChatLanes(Store store, boolean selective, Consumer<ChatEvent> deliver, GatewayMetrics metrics, LongSupplier millis) {
        this.store = store;
        this.selective = selective;
        this.deliver = deliver;
        this.metrics = metrics;
        this.millis = millis;
    }

    /** A committed event of a chat: delivered in its lane, in seq order, gaps repaired first. */
    void submit(ChatEvent event) {
        offer(event.chatId(), new Work(true, lane -> deliverInOrder(lane, event)));
    }

    /** Other work of a chat (it must not block), run in its lane after everything offered before. */
    void run(UUID chatId, Runnable work) {
        offer(chatId, new Work(true, lane -> work.run()));
    }

    @Override
    public void started(Map<UUID, Long> lastSeqs) {
        watched.addAll(lastSeqs.keySet());
        lastSeqs.forEach((chat, seq) -> offer(chat, new Work(true, lane -> lane.last = Math.max(lane.last, seq))));
    }

    @Override
    public void stopped(Set<UUID> chatIds) {
        watched.removeAll(chatIds);
        for (UUID chat : chatIds) offer(chat, new Work(true, lane -> {
            if (watched.contains(chat)) return; // watched again meanwhile: keep the seq
            lane.last = NONE;
            lane.behind = false;
        }));
    }

    /**
     * Compares chats' last seqs in the store with the last ones delivered and has their lanes deliver what is
     * missing: on a pod's bus every watched chat, on one node the chats whose gap repair failed (the store was
     * down). Retires idle lanes. Runs on the gateway's timer and after broker reconnects; reads the store on the
     * caller's thread, repairs in the lanes.
     */
    void catchUp() {
        retireIdle();
        Set<UUID> check = new HashSet<>();
        if (selective) check.addAll(watched);
        for (Lane lane : lanes.values()) if (lane.behind) check.add(lane.chatId);
        if (check.isEmpty()) return;
        for (var e : store.lastSeqs(check).entrySet()) {
            long stored = e.getValue();
            offer(e.getKey(), new Work(false, lane -> repairUpTo(lane, stored)));
        }
    }

    /** {@return how many chats have a lane now} */
    int size() {
        return lanes.size();
    }

    /** A lane's unit of work; {@code mayRunHere} if it may run on the offering thread (it reads no store). */
    private record Work(boolean mayRunHere, Consumer<Lane> action) {}

    private void offer(UUID chatId, Work work) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(chatId, Lane::new);
            if (lane.offer(work)) return;
        }
    }

    private boolean tracked(UUID chatId) {
        return !selective || watched.contains(chatId);
    }

    private void deliverInOrder(Lane lane, ChatEvent event) {
        if (!tracked(event.chatId())) { // published here for a chat with no member connected here
            deliver.accept(event);
            return;
        }
        long last = lane.last;
        if (last != NONE && event.seq() <= last) return; // duplicate
        if (last != NONE && event.seq() > last + 1) {
            if (lane.runningHere()) { // no store read on the bus thread: the lane's virtual thread repairs
                lane.deferToDrain(new Work(false, l -> deliverInOrder(l, event)));
                return;
            }
            List<ChatEvent> missing;
            try {
                missing = store.eventsAfter(event.chatId(), last, (int) (event.seq() - last - 1));
            } catch (RuntimeException e) {
                // Never deliver past a hole: hold this event back too (it is committed, so the store has it) and
                // let the catch-up deliver the whole run in order once the store answers again.
                lane.behind = true;
                log.warn("gap repair for chat {} failed; its events are delivered when the store is back", event.chatId());
                return;
            }
            for (ChatEvent missed : missing) {
                if (missed.seq() < event.seq()) deliver.accept(missed);
            }
            metrics.gapRepaired();
        }
        deliver.accept(event);
        lane.last = event.seq();
    }

    private void repairUpTo(Lane lane, long stored) {
        long last = lane.last;
        if (last == NONE || stored <= last) {
            lane.behind = false;
            return;
        }
        if (!tracked(lane.chatId)) return;
        List<ChatEvent> missing;
        try {
            missing = store.eventsAfter(lane.chatId, last, (int) Math.min(Integer.MAX_VALUE, stored - last));
        } catch (RuntimeException e) { // the store is still away: the next catch-up tries again
            log.debug("catch-up of chat {} failed; will retry", lane.chatId, e);
            return;
        }
        long upTo = last;
        for (ChatEvent missed : missing) {
            if (missed.seq() <= upTo) continue;
            deliver.accept(missed);
            upTo = missed.seq();
        }
        lane.last = upTo;
        lane.behind = false;
        metrics.gapRepaired();
    }

    private void retireIdle() {
        long now = millis.getAsLong();
        for (Lane lane : lanes.values()) lane.retireIfIdle(now);
    }

    /**
     * One chat's serial queue. At most one thread runs a lane's work at a time: the caller's ({@link #offer} found it
     * free) or the lane's drain (a virtual thread). {@link #last} is written only by the lane's work; the monitor
     * hand-over between runs makes each run see the previous one's writes.
     */
    private final class Lane implements Runnable {
        final UUID chatId;
        private final ArrayDeque<Work> queue = new ArrayDeque<>();
        /** Some thread runs (or is about to run) this lane's work. */
        private boolean busy;
        private boolean retired;
        private long idleSince;
        /** The thread running the lane's work on the offering side, not the drain (null otherwise). */
        private Thread here;
        long last = NONE;
        volatile boolean behind;

        Lane(UUID chatId) {
            this.chatId = chatId;
        }

        /** {@return false if the lane has retired: the caller makes a fresh one} */
        boolean offer(Work work) {
            synchronized (this) {
                if (retired) return false;
                if (busy || !work.mayRunHere()) {
                    queue.add(work);
                    if (!busy) {
                        busy = true;
                        executor.execute(this);
                    }
                    return true;
                }
                busy = true;
                here = Thread.currentThread();
            }
            try {
                work.action().accept(this);
            } catch (RuntimeException e) {
                log.warn("delivery work for chat {} failed", chatId, e);
            } finally {
                synchronized (this) {
                    here = null;
                    if (queue.isEmpty()) idle();
                    else executor.execute(this); // offered meanwhile, or deferred: the drain takes over, still busy
                }
            }
            return true;
        }

        /** {@return whether the work now running runs on the offering thread} */
        synchronized boolean runningHere() {
            return here == Thread.currentThread();
        }

        /** Puts work back at the head of the queue, for the drain (called by the work running on the offering thread). */
        synchronized void deferToDrain(Work work) {
            queue.addFirst(work);
        }

        @Override
        public void run() {
            while (true) {
                Work work;
                synchronized (this) {
                    work = queue.poll();
                    if (work == null) {
                        idle();
                        return;
                    }
                }
                try {
                    work.action().accept(this);
                } catch (RuntimeException e) {
                    log.warn("delivery work for chat {} failed", chatId, e);
                }
            }
        }

        /** Under the monitor, with nothing queued: the lane is free; it retires if it has nothing to remember. */
        private void idle() {
            busy = false;
            idleSince = millis.getAsLong();
            if (selective && !watched.contains(chatId) && !behind) retire();
        }

        synchronized void retireIfIdle(long now) {
            if (busy || !queue.isEmpty() || behind || retired) return;
            boolean needed = selective ? watched.contains(chatId) : now - idleSince < IDLE_AFTER.toMillis();
            if (!needed) retire();
        }

        /** Under the monitor, with nothing queued or running. */
        private void retire() {
            retired = true;
            lanes.remove(chatId, this);
        }
    }
}
