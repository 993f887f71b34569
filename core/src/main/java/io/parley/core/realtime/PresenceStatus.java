package io.parley.core.realtime;

import io.parley.core.error.ParleyException;

import java.util.Locale;

/** A user's presence (spec 002 §4.1). {@code IN_A_MEETING} is the optional manual "In a meeting". */
public enum PresenceStatus {
    AVAILABLE, AWAY, DND, BRB, IN_A_MEETING, OFFLINE;

    /** {@return the name on the wire: available, away, dnd, brb, in_a_meeting, offline} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return the status a user may set with {@code presence.update}: every status but offline
     * (available clears a manual status)}
     *
     * @throws ParleyException INVALID for anything else
     */
    public static PresenceStatus manual(String wire) {
        if (wire != null) {
            for (PresenceStatus s : values()) {
                if (s != OFFLINE && s.wire().equals(wire)) return s;
            }
        }
        throw ParleyException.invalid("status must be one of available, away, dnd, brb, in_a_meeting");
    }
}
