package io.parley.server.wire;

import io.parley.core.auth.User;

import java.util.UUID;

/** A user as other people see them. {@code email} is included only for the user themself and admins. */
public record UserView(UUID id, String handle, String displayName, String email, boolean deactivated) {
    public static UserView of(User u) {
        return new UserView(u.id(), u.handle(), u.displayName(), null, u.deactivated());
    }

    public static UserView self(User u) {
        return new UserView(u.id(), u.handle(), u.displayName(), u.email(), u.deactivated());
    }
}
