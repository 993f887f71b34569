package io.parley.server.wire;

import io.parley.core.workspace.Workspace;

import java.time.Instant;
import java.util.UUID;

/** A workspace on the wire. */
public record WorkspaceView(UUID id, String name, String slug, UUID createdBy, Instant createdAt, boolean openSignup) {
    public static WorkspaceView of(Workspace w) {
        return new WorkspaceView(w.id(), w.name(), w.slug(), w.createdBy(), w.createdAt(), w.openSignup());
    }
}
