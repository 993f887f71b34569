package io.parley.server.federation.org;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The local users standing for remote authors, and where they are seen. One of the ports {@link OrgStore} is made
 * of (issue 17 §3).
 */
public interface ShadowUsers {
    /** {@return the local user standing for a remote user, if there is one} */
    Optional<UUID> shadowOf(String pod, UUID remoteId);

    /**
     * Makes (or updates the name of) the shadow user of a remote user: handle {@code handle@pod}, no password,
     * no workspace. {@return its local id}
     */
    UUID ensureShadow(String pod, UUID remoteId, String handle, String displayName, Instant at);

    /** {@return the remote pod of a shadow user, if the user is one} */
    Optional<String> remotePodOf(UUID userId);

    /** {@return the mapped org chats in which the user posted or reacted} (where a remote author is seen) */
    Set<UUID> orgChatsOf(UUID userId);
}
