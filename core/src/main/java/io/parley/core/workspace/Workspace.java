package io.parley.core.workspace;

import java.time.Instant;
import java.util.UUID;

/** An isolated team: its chats, members and settings belong to it alone. */
public record Workspace(UUID id, String name, String slug, UUID createdBy, Instant createdAt, boolean openSignup) {}
