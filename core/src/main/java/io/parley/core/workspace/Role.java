package io.parley.core.workspace;

import java.util.Locale;

/** A member's role in a workspace, lowest to highest. Spec 004's permission matrix is {@link Permission}. */
public enum Role {
    GUEST, MEMBER, ADMIN, OWNER;

    /** {@return whether this role is at least {@code other}} */
    public boolean atLeast(Role other) { return compareTo(other) >= 0; }

    /** {@return whether this role grants the permission} */
    public boolean may(Permission permission) { return atLeast(permission.minimum()); }

    /** {@return the lower-case wire name} */
    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** {@return the role with this wire name} @throws IllegalArgumentException for an unknown name */
    public static Role fromWire(String wire) {
        for (Role r : values()) if (r.wire().equals(wire)) return r;
        throw new IllegalArgumentException("unknown role: " + wire);
    }
}
