package io.parley.core.workspace;

import java.time.Instant;
import java.util.UUID;

/** A user's membership of a workspace, with the role that decides what they may do there. */
public record Membership(UUID workspaceId, UUID userId, Role role, Instant joinedAt) {}
