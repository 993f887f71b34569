package io.parley.core.chat;

/** The kinds of event in a chat's log. Each maps to one server frame type. */
public enum EventType {
    MESSAGE_POSTED("message.new"),
    MESSAGE_EDITED("message.updated"),
    MESSAGE_DELETED("message.deleted"),
    REACTION_ADDED("message.reaction"),
    REACTION_REMOVED("message.reaction"),
    /** A reply changed the thread root's reply_count, latest_reply and reply_users. */
    THREAD_UPDATED("message.updated");

    private final String frameType;

    EventType(String frameType) { this.frameType = frameType; }

    /** {@return the server frame type this event is delivered as} */
    public String frameType() { return frameType; }
}
