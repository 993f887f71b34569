package io.parley.core.chat;

import java.util.Locale;

/** What kind of conversation a chat is. */
public enum ChatKind {
    PUBLIC_CHANNEL, PRIVATE_CHANNEL, DM, GROUP_DM;

    /** {@return whether this is a named channel (public or private)} */
    public boolean isChannel() { return this == PUBLIC_CHANNEL || this == PRIVATE_CHANNEL; }

    /** {@return the lower-case wire name} */
    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** {@return the kind with this wire name} @throws IllegalArgumentException for an unknown name */
    public static ChatKind fromWire(String wire) {
        for (ChatKind k : values()) if (k.wire().equals(wire)) return k;
        throw new IllegalArgumentException("unknown chat kind: " + wire);
    }
}
