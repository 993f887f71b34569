package io.parley.core.webhook;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The webhooks table. */
public interface WebhookStore {
    void insert(Webhook hook);

    Optional<Webhook> byId(UUID id);

    Optional<Webhook> byTokenHash(String tokenHash);

    List<Webhook> inWorkspace(UUID workspaceId);

    /** Replaces the token hash; {@return whether the webhook exists} */
    boolean rotate(UUID id, String tokenHash);

    /** {@return whether it existed} */
    boolean delete(UUID id);
}
