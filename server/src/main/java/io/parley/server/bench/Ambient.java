package io.parley.server.bench;

/**
 * Ephemeral traffic running beside the message load (issue: real-time awareness figures): extra
 * connected users, presence subscriptions per connection, presence changes and a typing storm.
 *
 * @param users connected users in all (0: just the scenario's); the extra ones join no bench chat
 * @param presenceContacts users each connection subscribes to the presence of (0: none)
 * @param presenceRate presence.update frames per second across all users (0: none)
 * @param typingRate typing.start frames per second from members of the scenario's chats (0: none)
 * @param serverPid the server's process id, to report its CPU per connected user (0: not measured)
 */
public record Ambient(int users, int presenceContacts, int presenceRate, int typingRate, long serverPid) {
    public static final Ambient NONE = new Ambient(0, 0, 0, 0, 0);

    boolean active() {
        return presenceContacts > 0 || presenceRate > 0 || typingRate > 0;
    }
}
