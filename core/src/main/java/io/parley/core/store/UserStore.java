package io.parley.core.store;

import io.parley.core.auth.User;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Users table. E-mail and handle are unique (case-insensitively; callers pass them lower-cased). */
public interface UserStore {
    /** Inserts a user. @throws io.parley.core.error.ParleyException CONFLICT if the e-mail or handle is taken */
    void insert(User user);

    Optional<User> byId(UUID id);

    Optional<User> byEmail(String email);

    Optional<User> byHandle(String handle);

    /** {@return the users with these ids that exist, in no particular order} */
    List<User> byIds(Collection<UUID> ids);

    /** Updates display name and handle. @throws io.parley.core.error.ParleyException CONFLICT if the handle is taken */
    void updateProfile(UUID id, String handle, String displayName);

    void updatePasswordHash(UUID id, String passwordHash);

    /** {@return how many users exist} (setup is open while this is 0) */
    long count();
}
