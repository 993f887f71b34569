package io.parley.server.nats;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.bus.Topic;
import io.parley.core.chat.Attachment;
import io.parley.core.chat.BotProfile;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.Reaction;
import io.parley.core.realtime.PresenceStatus;
import io.parley.core.realtime.UserPresence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every {@link Bus} promises, run against each implementation: the in-process bus (a pod of one node)
 * and the NATS bus (a pod of two nodes on a real NATS). Node 0 publishes; every node watching the topic,
 * node 0 included, must receive each event intact, in publish order, flagged with whether it published it.
 */
abstract class BusContract {
    /** The nodes of one pod, each with its own bus. */
    protected abstract List<Bus> pod();

    protected List<Bus> nodes;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        if (nodes != null) nodes.forEach(Bus::close);
    }

    /** Everything a listener received, with the publishedHere flag. */
    protected record Got(BusEvent event, boolean publishedHere) {}

    protected List<Got> record(Bus bus) {
        List<Got> got = new CopyOnWriteArrayList<>();
        cleanup.add(bus.subscribe(new Bus.Listener() {
            @Override
            public void onEvent(BusEvent event) {
                fail("the two-argument onEvent must be called");
            }

            @Override
            public void onEvent(BusEvent event, boolean publishedHere) {
                got.add(new Got(event, publishedHere));
            }
        }));
        return got;
    }

    protected static final UUID WS = UUID.randomUUID();

    protected static BusEvent.Committed committed(UUID chat, long seq) {
        UUID sender = UUID.randomUUID();
        Message m = new Message(UUID.randomUUID(), chat, seq, sender, UUID.randomUUID(), "hello @ana \"quoted\" ünïcødé 🎉 #" + seq,
                null, 2, Instant.ofEpochMilli(1_700_000_000_123L), List.of(sender), new Mentions(List.of("ana"), true, false),
                List.of(new Reaction(":tada:", List.of(sender))), Instant.ofEpochMilli(1_700_000_000_000L), null, null,
                "pod-a", 114_755_342_323_384_320L + seq,
                List.of(new Attachment(UUID.randomUUID(), "chart.png", "image/png", 12_345, 640, 480)),
                new BotProfile("Alertmanager", ":rotating_light:", null));
        return new BusEvent.Committed(new ChatEvent(WS, chat, seq, EventType.MESSAGE_POSTED, sender, null, m,
                Instant.ofEpochMilli(1_700_000_000_456L)));
    }

    /** One of every event kind, for a chat and a user. */
    protected static List<BusEvent> oneOfEach(UUID chat, UUID user) {
        return List.of(committed(chat, 1),
                new BusEvent.UrgentPosted(WS, chat, UUID.randomUUID(), user),
                new BusEvent.TypingChanged(chat, user, "Ana Lyst", true),
                new BusEvent.ReadMarked(WS, chat, user, 1),
                new BusEvent.MembershipChanged(WS, chat, user, true, 7),
                new BusEvent.ChatChanged(WS, chat),
                new BusEvent.SessionsRevoked(user, Set.of(UUID.randomUUID(), UUID.randomUUID())));
    }

    protected static void watch(Bus bus, UUID chat, UUID user) {
        bus.watch(List.of(new Topic.Chat(chat), new Topic.User(user)));
    }

    /** Polls until the condition holds; generous, since a broker restart on a loaded machine takes seconds. */
    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        io.parley.server.Await.until(Duration.ofSeconds(20), what, condition);
    }

    @Test
    @Timeout(20)
    void everyKindOfEventReachesEveryWatchingNodeIntactWithItsOrigin() throws Exception {
        nodes = pod();
        UUID chat = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        List<List<Got>> got = new ArrayList<>();
        for (Bus b : nodes) {
            got.add(record(b));
            watch(b, chat, user);
        }
        List<BusEvent> sent = oneOfEach(chat, user);
        sent.forEach(nodes.getFirst()::publish);
        for (int i = 0; i < nodes.size(); i++) {
            List<Got> mine = got.get(i);
            int node = i;
            await("node " + i + " to receive " + sent.size() + " events", () -> mine.size() >= sent.size());
            assertEquals(sent, mine.stream().map(Got::event).toList(), "node " + i + " got every event unchanged, in order");
            assertTrue(mine.stream().allMatch(g -> g.publishedHere() == (node == 0)), "publishedHere only on the publisher: " + mine);
        }
    }

    @Test
    @Timeout(20)
    void oneChatsEventsArriveInPublishOrder() throws Exception {
        nodes = pod();
        UUID chat = UUID.randomUUID();
        List<List<Got>> got = new ArrayList<>();
        for (Bus b : nodes) {
            got.add(record(b));
            watch(b, chat, UUID.randomUUID());
        }
        int n = 2_000;
        for (int seq = 1; seq <= n; seq++) nodes.getFirst().publish(committed(chat, seq));
        for (int i = 0; i < nodes.size(); i++) {
            List<Got> mine = got.get(i);
            await("node " + i + " to receive " + n + " events", () -> mine.size() >= n);
            List<Long> seqs = mine.stream().map(g -> ((BusEvent.Committed) g.event()).event().seq()).toList();
            for (int k = 0; k < n; k++) assertEquals(k + 1, seqs.get(k), "node " + i + ": seq at position " + k);
        }
    }

    @Test
    @Timeout(20)
    void aFailingListenerDoesNotStopTheOthersAndUnsubscribedOnesHearNothing() throws Exception {
        nodes = pod();
        UUID chat = UUID.randomUUID();
        for (Bus b : nodes) watch(b, chat, UUID.randomUUID());
        cleanup.add(nodes.getFirst().subscribe(e -> { throw new IllegalStateException("boom"); }));
        List<Got> gone = new CopyOnWriteArrayList<>();
        AutoCloseable handle = nodes.getFirst().subscribe(e -> gone.add(new Got(e, true)));
        handle.close();
        List<Got> got = record(nodes.getFirst());
        nodes.getFirst().publish(committed(chat, 1));
        nodes.getFirst().publish(committed(chat, 2));
        await("both events despite the failing listener", () -> got.size() == 2);
        assertEquals(List.of(), gone, "an unsubscribed listener hears nothing");
    }

    @Test
    @Timeout(20)
    void presenceChangesStayOnThePublishingNode() throws Exception {
        nodes = pod();
        List<List<Got>> got = new ArrayList<>();
        for (Bus b : nodes) got.add(record(b));
        var presence = new BusEvent.PresenceChanged(List.of(new UserPresence(UUID.randomUUID(), PresenceStatus.AWAY, Instant.ofEpochMilli(5))));
        nodes.getFirst().publish(presence);
        UUID chat = UUID.randomUUID();
        for (Bus b : nodes) watch(b, chat, UUID.randomUUID());
        nodes.getFirst().publish(committed(chat, 1)); // a marker: once it arrived, the presence event would have too
        for (int i = 0; i < nodes.size(); i++) {
            List<Got> mine = got.get(i);
            await("the marker on node " + i, () -> mine.stream().anyMatch(g -> g.event() instanceof BusEvent.Committed));
        }
        assertEquals(presence, got.getFirst().getFirst().event(), "the publisher's own node hears it");
        for (int i = 1; i < nodes.size(); i++) {
            assertTrue(got.get(i).stream().noneMatch(g -> g.event() instanceof BusEvent.PresenceChanged),
                    "each node derives presence changes from the shared state; they do not travel: " + got.get(i));
        }
    }
}
