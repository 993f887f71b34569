package io.parley.core.workspace;

/** Spec 004's permission matrix: each permission names the lowest role that holds it. */
public enum Permission {
    READ_PUBLIC_CHANNELS(Role.MEMBER),
    SEND_MESSAGES(Role.GUEST),
    CREATE_CHANNELS(Role.MEMBER),
    DELETE_OWN_MESSAGES(Role.GUEST),
    DELETE_ANY_MESSAGE(Role.ADMIN),
    MANAGE_CHANNEL_SETTINGS(Role.ADMIN),
    INVITE_MEMBERS(Role.ADMIN),
    REMOVE_MEMBERS(Role.ADMIN),
    MANAGE_WORKSPACE_SETTINGS(Role.OWNER),
    DELETE_WORKSPACE(Role.OWNER),
    MANAGE_INTEGRATIONS(Role.ADMIN);

    private final Role minimum;

    Permission(Role minimum) { this.minimum = minimum; }

    /** {@return the lowest role holding this permission} */
    public Role minimum() { return minimum; }
}
