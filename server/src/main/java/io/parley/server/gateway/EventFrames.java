package io.parley.server.gateway;

import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.protocol.ServerFrame;
import io.parley.core.realtime.UserPresence;

import java.util.List;
import java.util.UUID;

/**
 * What a bus event shows this node's clients: which {@link ServerFrame}, to whom ({@link Audience}) and how
 * droppable ({@link FramePriority}). One switch over the sealed bus events, no default: a new event kind says here
 * whether it becomes a frame. Who the audience is, in connections, is the delivery's business; this class only
 * names it.
 */
final class EventFrames {
    private EventFrames() {}

    /** Who receives a frame. */
    sealed interface Audience {
        /** The chat's members, but {@code except} (null: all of them). */
        record ChatMembers(UUID chatId, UUID except) implements Audience {}

        /**
         * A join or leave: everyone in a small chat and the person concerned; in a big one only the person
         * (10,000 people joining #general must not cost 10,000 frames each; member lists are fetched).
         */
        record MembershipOf(UUID chatId, UUID userId) implements Audience {}

        /** The connections that watch this user's presence. */
        record PresenceWatchers(UUID userId) implements Audience {}
    }

    /** A frame, its audience and its priority. */
    record Routed(ServerFrame frame, Audience to, FramePriority priority) {}

    /** {@return the frames the event shows, in order (none for events that are no client's business)} */
    static List<Routed> of(BusEvent event) {
        return switch (event) {
            case BusEvent.Committed c -> List.of(live(c.event()));
            case BusEvent.MembershipChanged m -> List.of(new Routed(
                    new ServerFrame.ChatMembership(m.chatId(), m.workspaceId(), m.userId(), m.joined()),
                    new Audience.MembershipOf(m.chatId(), m.userId()), FramePriority.ESSENTIAL));
            case BusEvent.ChatChanged c -> List.of(new Routed(new ServerFrame.ChatUpdated(c.chatId(), c.workspaceId()),
                    new Audience.ChatMembers(c.chatId(), null), FramePriority.ESSENTIAL));
            // To the other participants; the reader's own sessions learn it from notification.badge (lastReadSeq).
            case BusEvent.ReadMarked r -> List.of(new Routed(new ServerFrame.ReadReceipt(r.chatId(), r.userId(), r.seq()),
                    new Audience.ChatMembers(r.chatId(), r.userId()), FramePriority.RECEIPT));
            case BusEvent.TypingChanged t -> List.of(new Routed(
                    new ServerFrame.TypingIndicator(t.chatId(), t.userId(), t.displayName(), t.active()),
                    new Audience.ChatMembers(t.chatId(), t.userId()), FramePriority.TYPING));
            case BusEvent.OrgPeersChanged o -> List.of(new Routed(new ServerFrame.OrgPeers(o.chatId(), o.orgChannelId(), o.unreachable()),
                    new Audience.ChatMembers(o.chatId(), null), FramePriority.ESSENTIAL));
            case BusEvent.PresenceChanged p -> p.changes().stream().map(EventFrames::presence).toList();
            case BusEvent.UrgentPosted u -> List.of(); // the notification dispatcher's business
            case BusEvent.SessionsRevoked s -> List.of(); // closes sessions; no frame
        };
    }

    /** {@return a committed log event's live frame, to the chat's members; reactions are droppable} */
    static Routed live(ChatEvent event) {
        FramePriority priority = switch (event.type()) {
            case REACTION_ADDED, REACTION_REMOVED -> FramePriority.REACTION;
            case MESSAGE_POSTED, MESSAGE_EDITED, MESSAGE_DELETED, THREAD_UPDATED -> FramePriority.ESSENTIAL;
        };
        return new Routed(new ServerFrame.LiveEvent(event), new Audience.ChatMembers(event.chatId(), null), priority);
    }

    private static Routed presence(UserPresence change) {
        return new Routed(new ServerFrame.PresenceChanged(change), new Audience.PresenceWatchers(change.userId()), FramePriority.PRESENCE);
    }
}
