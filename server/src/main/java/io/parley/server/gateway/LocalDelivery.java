package io.parley.server.gateway;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatEvent;
import io.parley.core.realtime.PresenceService;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The last hop of the one delivery path on this node: bus event → frame ({@link EventFrames}) → members of the chat
 * → their connections here ({@link Hub}). Listens on the bus and returns at once: a chat's work goes to its lane
 * ({@link ChatLanes}: seq order, gap repair, off the bus thread); presence changes go straight to their watchers;
 * session revocations close sockets.
 *
 * <p>It also keeps the node's {@link ChatInterest} (a pod's selective bus) in step with joins and leaves of users
 * connected here. It builds the hub, the lanes and the interest together because they refer to each other: the
 * hub's registrations move the interest, the interest seeds the lanes, the lanes deliver through the hub.
 */
public final class LocalDelivery implements Bus.Listener {
    /** Chats up to this size tell every member of each join and leave ({@code chat.membership}). */
    static final int ANNOUNCE_MEMBERSHIP_UP_TO = 500;
    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final ChatDirectory directory;
    private final GatewayMetrics metrics;
    private final Hub hub;
    private final ChatLanes lanes;
    /** Null on a bus that delivers everything (one node). */
    private final ChatInterest interest;

    public LocalDelivery(ChatDirectory directory, MessageLog messages, ChatStore chats, Bus bus, int maxConnectionsPerUser,
                         GatewayMetrics metrics, PresenceService presence) {
        this.directory = directory;
        this.metrics = metrics;
        this.lanes = new ChatLanes(ChatLanes.Store.of(messages, chats), bus.selective(), this::deliver, metrics,
                System::currentTimeMillis);
        this.interest = bus.selective() ? new ChatInterest(bus, chats, lanes) : null;
        this.hub = new Hub(maxConnectionsPerUser, metrics, presence, interest);
    }

    /** {@return this node's connections} */
    public Hub hub() {
        return hub;
    }

    @Override
    public void onEvent(BusEvent event) {
        switch (event) {
            case BusEvent.Committed c -> lanes.submit(c.event());
            case BusEvent.MembershipChanged m -> {
                if (interest != null && interest.holds(m.userId())) follow(m);
                inLane(m.chatId(), m);
            }
            case BusEvent.ChatChanged c -> inLane(c.chatId(), c);
            case BusEvent.ReadMarked r -> inLane(r.chatId(), r);
            case BusEvent.TypingChanged t -> inLane(t.chatId(), t);
            case BusEvent.OrgPeersChanged o -> inLane(o.chatId(), o);
            case BusEvent.PresenceChanged p -> send(p);
            case BusEvent.SessionsRevoked s -> hub.closeSessions(s.userId(), s.sessionIds());
            case BusEvent.UrgentPosted u -> { } // the notification dispatcher's business
        }
    }

    /**
     * Compares chats' last seqs in the store with what was delivered and delivers what is missing (see
     * {@link ChatLanes#catchUp()}). Runs on the gateway's timer and after broker reconnects.
     */
    public void catchUp() {
        lanes.catchUp();
    }

    /** A chat's frames stay in bus order with its log events: they go through its lane. */
    private void inLane(UUID chatId, BusEvent event) {
        lanes.run(chatId, () -> send(event));
    }

    private void send(BusEvent event) {
        for (EventFrames.Routed r : EventFrames.of(event)) send(r);
    }

    /** One committed event to the chat's local members (in its lane). */
    private void deliver(ChatEvent event) {
        long start = System.nanoTime();
        int n = send(EventFrames.live(event));
        metrics.delivered(n, System.nanoTime() - start, Math.max(0, System.currentTimeMillis() - event.at().toEpochMilli()));
    }

    /** Queues the frame for its audience's connections here, encoded once and only if someone is there. */
    private int send(EventFrames.Routed r) {
        return switch (r.to()) {
            case EventFrames.Audience.ChatMembers a -> hub.toUsers(directory.members(a.chatId()), a.except(), r.frame(), r.priority());
            case EventFrames.Audience.MembershipOf a -> {
                Set<UUID> members = directory.members(a.chatId());
                yield hub.toUsers(members.size() <= ANNOUNCE_MEMBERSHIP_UP_TO ? union(members, a.userId()) : Set.of(a.userId()), null,
                        r.frame(), r.priority());
            }
            case EventFrames.Audience.PresenceWatchers a -> {
                List<Connection> watchers = hub.presenceWatchers().watchers(a.userId(), System.currentTimeMillis());
                if (!watchers.isEmpty()) hub.toConnections(watchers, r.frame(), r.priority());
                yield watchers.size();
            }
        };
    }

    /** A user connected here joined or left a chat: adjust what the node watches, off the bus thread (it may block). */
    private void follow(BusEvent.MembershipChanged m) {
        Thread.ofVirtual().name("parley-interest").start(() -> {
            try {
                if (m.joined()) interest.joined(m.userId(), m.chatId(), m.sinceSeq());
                else interest.left(m.userId(), m.chatId());
            } catch (RuntimeException e) {
                log.warn("could not follow chat {} for a local member; it is caught up at their next connect", m.chatId(), e);
            }
        });
    }

    private static Set<UUID> union(Set<UUID> members, UUID extra) {
        if (members.contains(extra)) return members;
        var s = new HashSet<>(members);
        s.add(extra);
        return s;
    }
}
