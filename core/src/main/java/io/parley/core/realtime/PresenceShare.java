package io.parley.core.realtime;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * How the nodes of a pod share presence. Each node publishes its own part of each user's presence (its
 * connections, the last activity it saw, the manual status it knows); the share tells every node what
 * the <em>other</em> nodes hold, merged per user, and each node computes the same status from the
 * whole. A single node has nobody to share with ({@link #NONE}).
 */
public interface PresenceShare {
    /** A connection of a user on some node: when it opened, for the per-user limit (oldest go first). */
    record ConnectionRef(UUID id, long openedAtMillis) {}

    /**
     * This node's part of one user's presence.
     *
     * @param lastActivity last client activity seen here (epoch millis; 0: none)
     * @param lastSeen when the last connection here closed, or the last activity while connected (0: never)
     * @param manual the user's manual status as this node knows it (null: none)
     * @param manualAt when that manual status was set (epoch millis; 0: never): the latest one wins
     */
    record NodePresence(UUID userId, List<ConnectionRef> connections, long lastActivity, long lastSeen,
                        PresenceStatus manual, long manualAt) {
        public NodePresence {
            connections = List.copyOf(connections);
        }
    }

    /** What the other live nodes of the pod hold for a user, merged: the same shape, other nodes only. */
    record Remote(UUID userId, List<ConnectionRef> connections, long lastActivity, long lastSeen,
                  PresenceStatus manual, long manualAt) {
        public Remote {
            connections = List.copyOf(connections);
        }

        /** {@return nothing known elsewhere} */
        public static Remote none(UUID userId) {
            return new Remote(userId, List.of(), 0, 0, null, 0);
        }
    }

    /** Starts sharing; {@code onRemote} hears every change of what the other nodes hold for a user. */
    void start(Consumer<Remote> onRemote);

    /** Publishes this node's part of a user's presence (latest wins; it may be sent a little later). */
    void publish(NodePresence local);

    /** One node: nothing to share. */
    PresenceShare NONE = new PresenceShare() {
        @Override
        public void start(Consumer<Remote> onRemote) { }

        @Override
        public void publish(NodePresence local) { }
    };
}
