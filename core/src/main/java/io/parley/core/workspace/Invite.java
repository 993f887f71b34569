package io.parley.core.workspace;

import java.time.Instant;
import java.util.UUID;

/**
 * An invitation to a workspace. The code itself is shown once at creation; only its hash is stored.
 * {@code maxUses} of 0 means unlimited.
 */
public record Invite(UUID id, UUID workspaceId, String codeHash, Role role, String email, UUID createdBy,
                     Instant createdAt, Instant expiresAt, int maxUses, int uses, boolean revoked) {
    /** {@return whether the invite can still be redeemed at {@code now}} */
    public boolean usableAt(Instant now) {
        return !revoked && now.isBefore(expiresAt) && (maxUses == 0 || uses < maxUses);
    }
}
