package io.parley.server.nats;

import io.nats.client.Connection;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.bus.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bus contract on the NATS bus (two nodes on the real NATS, a fresh prefix per test), plus what only a
 * pod's bus has: interest per topic, pod-wide events, bad payloads counted and dropped, and local delivery
 * through a broker outage.
 */
class NatsBusContractTest extends BusContract {
    private final List<NatsLink> links = new ArrayList<>();
    private String prefix;

    @Override
    protected List<Bus> pod() {
        return pod(TestNats.require(), 2);
    }

    private List<Bus> pod(String url, int n) {
        prefix = TestNats.uniquePrefix();
        List<Bus> buses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NatsLink link = NatsLink.open(url, prefix, "node" + i);
            links.add(link);
            buses.add(new NatsBus(link));
        }
        return buses;
    }

    @AfterEach
    void closeLinks() {
        if (nodes != null) nodes.forEach(Bus::close);
        nodes = null;
        links.forEach(NatsLink::close);
    }

    @Test
    @Timeout(20)
    void aNodeHearsAChatOnlyWhileItWatchesIt() throws Exception {
        nodes = pod();
        Bus a = nodes.get(0);
        Bus b = nodes.get(1);
        List<Got> atB = record(b);
        UUID chat = UUID.randomUUID();
        UUID marker = UUID.randomUUID();
        b.watch(List.of(new Topic.Chat(marker)));

        a.publish(committed(chat, 1));            // b does not watch the chat: not for b
        a.publish(committed(marker, 1));
        await("the first marker", () -> atB.size() == 1);

        b.watch(List.of(new Topic.Chat(chat)));
        b.watch(List.of(new Topic.Chat(chat)));   // two watchers on b
        a.publish(committed(chat, 2));
        await("the watched chat's event", () -> atB.size() == 2);

        b.unwatch(List.of(new Topic.Chat(chat))); // one watcher left: still delivered
        a.publish(committed(chat, 3));
        await("the event while one watch remains", () -> atB.size() == 3);

        b.unwatch(List.of(new Topic.Chat(chat))); // none left
        a.publish(committed(chat, 4));
        a.publish(committed(marker, 2));
        await("the second marker", () -> atB.size() == 4);
        List<Long> chatSeqs = atB.stream().map(g -> ((BusEvent.Committed) g.event()).event())
                .filter(e -> e.chatId().equals(chat)).map(e -> e.seq()).toList();
        assertEquals(List.of(2L, 3L), chatSeqs, "only the events published while b watched the chat");
    }

    @Test
    @Timeout(20)
    void podWideEventsReachNodesThatWatchNothing() throws Exception {
        nodes = pod();
        List<Got> atB = record(nodes.get(1));
        UUID chat = UUID.randomUUID();
        var joined = new BusEvent.MembershipChanged(WS, chat, UUID.randomUUID(), true, 0);
        var changed = new BusEvent.ChatChanged(WS, chat);
        nodes.get(0).publish(joined);
        nodes.get(0).publish(changed);
        await("both pod-wide events", () -> atB.size() == 2);
        assertEquals(List.of(joined, changed), atB.stream().map(Got::event).toList());
    }

    @Test
    @Timeout(20)
    void badPayloadsAreCountedAndDroppedAndTheNodeKeepsReceiving() throws Exception {
        nodes = pod();
        NatsBus b = (NatsBus) nodes.get(1);
        List<Got> atB = record(b);
        UUID chat = UUID.randomUUID();
        b.watch(List.of(new Topic.Chat(chat)));
        Connection raw = links.getFirst().connection();
        String subject = prefix + ".c." + chat;
        raw.publish(subject, new byte[0]);
        raw.publish(subject, "{\"not\":\"ours\"}".getBytes(StandardCharsets.UTF_8));
        raw.publish(subject, new byte[] {9, 1, '{', '}'});                       // a future format version
        raw.publish(subject, new byte[] {1, 99, '{', '}'});                      // an unknown kind
        raw.publish(subject, new byte[] {1, 1, '{', '"', 'e', 'v', 'e', 'n', 't', '"', ':', '7', '}'}); // wrong shape
        nodes.get(0).publish(committed(chat, 1));
        await("the good event after the bad ones", () -> atB.size() == 1);
        await("five bad payloads counted", () -> b.badPayloads() == 5);
        assertEquals(1, b.received());
    }

    @Test
    @Timeout(60)
    void thePublishingNodeKeepsDeliveringThroughABrokerOutageAndTheOthersResumeAfter() throws Exception {
        try (PrivateNats broker = PrivateNats.start()) {
            nodes = pod(broker.url(), 2);
            Bus a = nodes.get(0);
            Bus b = nodes.get(1);
            List<Got> atA = record(a);
            List<Got> atB = record(b);
            UUID chat = UUID.randomUUID();
            a.watch(List.of(new Topic.Chat(chat)));
            b.watch(List.of(new Topic.Chat(chat)));
            a.publish(committed(chat, 1));
            await("the event before the outage on b", () -> atB.size() == 1);

            broker.kill();
            await("the link to notice", () -> !links.getFirst().connected());
            a.publish(committed(chat, 2));
            await("local delivery during the outage", () -> atA.size() == 2);
            assertTrue(atA.get(1).publishedHere());

            broker.restart();
            await("both links back", () -> links.stream().allMatch(NatsLink::connected));
            await("b resubscribed (a marker arrives)", () -> {
                a.publish(committed(chat, 100));
                return atB.stream().anyMatch(g -> ((BusEvent.Committed) g.event()).event().seq() == 100);
            });
        }
    }
}
