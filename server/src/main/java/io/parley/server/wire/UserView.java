package io.parley.server.wire;

import io.parley.core.auth.User;

import java.util.UUID;

/**
 * A user as other people see them. {@code email} is included only for the user themself and admins. A remote author
 * of an org-shared channel (a shadow user) has {@code remote: true} and the {@code pod} they are from.
 */
public record UserView(UUID id, String handle, String displayName, String email, boolean deactivated, Boolean remote, String pod) {
    public static UserView of(User u) {
        return new UserView(u.id(), u.handle(), u.displayName(), null, u.deactivated(), null, null);
    }

    public static UserView self(User u) {
        return new UserView(u.id(), u.handle(), u.displayName(), u.email(), u.deactivated(), null, null);
    }

    /** A remote author: handle ({@code ana@pod-b}), display name and pod; nothing private. */
    public static UserView remote(User u, String pod) {
        return new UserView(u.id(), u.handle(), u.displayName(), null, false, true, pod);
    }
}
