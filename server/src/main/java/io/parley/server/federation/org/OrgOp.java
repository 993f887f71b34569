package io.parley.server.federation.org;

import io.parley.core.chat.EventType;

import java.util.Optional;

/**
 * The kinds of op an org-shared channel carries between pods (issue 17 §2), a closed set: a new kind fails the build
 * at every switch that must handle it. On the wire an op is its {@link #wire} string ({@code "post"}, {@code
 * "react.add"}, …; the JSON stays as it was). There is one mapper each way: {@link #fromLog} (a row of the chat log to
 * the op it travels as; the org outbox and the replica feed both use it) and {@link #fromWire} (what arrived to the op
 * to apply; the envelope checks, the inbound apply and the replica log use it).
 */
public enum OrgOp {
    POST("post"),
    EDIT("edit"),
    DELETE("delete"),
    REACT_ADD("react.add"),
    REACT_REMOVE("react.remove");

    private final String wire;

    OrgOp(String wire) { this.wire = wire; }

    /** {@return the op as the wire spells it} */
    public String wire() { return wire; }

    /** {@return whether the op carries a message's text: a post or an edit} */
    public boolean carriesText() { return this == POST || this == EDIT; }

    /** {@return whether the op adds or removes a reaction} */
    public boolean isReaction() { return this == REACT_ADD || this == REACT_REMOVE; }

    /**
     * {@return the op a row of the chat log travels as; empty for rows every pod derives itself (a thread's update), for
     * an edit of a message deleted since (the delete that follows says all) and for a type this version does not know}
     *
     * @param type the row's event type as stored: an {@link EventType} name
     * @param deleted whether the row's message is deleted now
     */
    public static Optional<OrgOp> fromLog(String type, boolean deleted) {
        EventType t;
        try {
            t = EventType.valueOf(type);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (t) {
            case MESSAGE_POSTED -> POST;
            case MESSAGE_EDITED -> deleted ? null : EDIT;
            case MESSAGE_DELETED -> DELETE;
            case REACTION_ADDED -> REACT_ADD;
            case REACTION_REMOVED -> REACT_REMOVE;
            case THREAD_UPDATED -> null;
        });
    }

    /** {@return the op the wire string names; empty if it names none} */
    public static Optional<OrgOp> fromWire(String wire) {
        for (OrgOp op : values()) if (op.wire.equals(wire)) return Optional.of(op);
        return Optional.empty();
    }
}
