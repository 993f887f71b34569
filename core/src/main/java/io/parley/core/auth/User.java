package io.parley.core.auth;

import java.time.Instant;
import java.util.UUID;

/** A person (or bot) with an account on this pod. The password hash never leaves the auth service. */
public record User(UUID id, String email, String handle, String displayName, String passwordHash,
                   Instant createdAt, boolean deactivated) {
    /** {@return this user without the password hash, for anything that leaves the service} */
    public User withoutSecret() {
        return new User(id, email, handle, displayName, null, createdAt, deactivated);
    }
}
