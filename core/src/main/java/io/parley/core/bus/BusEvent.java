package io.parley.core.bus;

import io.parley.core.chat.ChatEvent;
import io.parley.core.realtime.UserPresence;

import java.util.List;

import java.util.Set;
import java.util.UUID;

/**
 * What travels on the bus between the services and every node's hub. All of it is already committed,
 * except the ephemeral awareness events (typing, presence), which are never stored.
 */
public sealed interface BusEvent {
    /** A committed log event of a chat, to be delivered to the chat's members. */
    record Committed(ChatEvent event) implements BusEvent {}

    /**
     * A chat's membership changed: caches drop it; the affected user's sessions learn of it.
     *
     * @param sinceSeq for a join, the chat's last seq when the membership committed: a node that starts following
     *     the chat for the joiner delivers every event after it, even one committed before the node's subscription
     *     took effect (0 for a new chat); -1 for a leave
     */
    record MembershipChanged(UUID workspaceId, UUID chatId, UUID userId, boolean joined, long sinceSeq) implements BusEvent {}

    /** A chat's settings (name, topic, archived) changed: caches drop it. */
    record ChatChanged(UUID workspaceId, UUID chatId) implements BusEvent {}

    /** A user read up to {@code seq} in a chat: their other sessions and the chat's members learn of it. */
    record ReadMarked(UUID workspaceId, UUID chatId, UUID userId, long seq) implements BusEvent {}

    /**
     * An urgent message (spec 002 §3.7) was committed; published just before its {@link Committed} event so the
     * notification evaluator knows to bypass DND and mute. The priority is not stored with the message.
     */
    record UrgentPosted(UUID workspaceId, UUID chatId, UUID messageId, UUID senderId) implements BusEvent {}

    /** Sign-in sessions were revoked: their live connections must close. */
    record SessionsRevoked(UUID userId, Set<UUID> sessionIds) implements BusEvent {
        public SessionsRevoked {
            sessionIds = Set.copyOf(sessionIds);
        }
    }

    /** A user started or stopped typing in a chat: the chat's other members learn of it. Ephemeral. */
    record TypingChanged(UUID chatId, UUID userId, String displayName, boolean active) implements BusEvent {}

    /**
     * Which member pods of an org-shared chat are unreachable (dead, or behind with delivery failing) changed:
     * the chat's members learn of it ({@code org.peers}); an empty list clears the indicator.
     */
    record OrgPeersChanged(UUID workspaceId, UUID chatId, String orgChannelId, List<String> unreachable) implements BusEvent {
        public OrgPeersChanged {
            unreachable = List.copyOf(unreachable);
        }
    }

    /** One batch window's presence changes (the latest per user): each goes to its subscribers. Ephemeral. */
    record PresenceChanged(List<UserPresence> changes) implements BusEvent {
        public PresenceChanged {
            changes = List.copyOf(changes);
        }
    }
}
