package io.parley.server.nats;

import io.parley.core.bus.BusEvent;
import io.parley.core.bus.Topic;

import java.util.UUID;

/**
 * Where each bus event travels between the nodes of a pod.
 *
 * <ul>
 *   <li>{@code <prefix>.c.<chatId>}: a chat's committed events, typing, read marks and urgent markers —
 *       the bulk of the traffic, received only by nodes that have members of the chat connected;</li>
 *   <li>{@code <prefix>.u.<userId>}: events for one user's sessions (revocations), received only by
 *       nodes where the user is connected;</li>
 *   <li>{@code <prefix>.pod}: membership and chat changes, received by every node (every node may cache
 *       the chat; a join must reach the joiner's node before it watches the chat). They are rare.</li>
 * </ul>
 * Presence changes do not travel: each node derives them from the shared presence state
 * ({@link NatsPresence}), so every node announces them to its own subscribers.
 */
final class Subjects {
    private final String prefix;

    Subjects(String prefix) {
        this.prefix = prefix;
    }

    /** {@return the subject of every node} */
    String pod() {
        return prefix + ".pod";
    }

    /** {@return the subject of a topic} */
    String of(Topic topic) {
        return switch (topic) {
            case Topic.Chat c -> chat(c.chatId());
            case Topic.User u -> prefix + ".u." + u.userId();
        };
    }

    /** {@return where an event goes to other nodes, or null if it stays on this node} */
    String of(BusEvent event) {
        return switch (event) {
            case BusEvent.Committed c -> chat(c.event().chatId());
            case BusEvent.UrgentPosted u -> chat(u.chatId());
            case BusEvent.TypingChanged t -> chat(t.chatId());
            case BusEvent.ReadMarked r -> chat(r.chatId());
            case BusEvent.MembershipChanged m -> pod();
            case BusEvent.ChatChanged c -> pod();
            case BusEvent.SessionsRevoked s -> of(new Topic.User(s.userId()));
            case BusEvent.PresenceChanged p -> null;
            case BusEvent.OrgPeersChanged o -> chat(o.chatId());
        };
    }

    private String chat(UUID chatId) {
        return prefix + ".c." + chatId;
    }
}
