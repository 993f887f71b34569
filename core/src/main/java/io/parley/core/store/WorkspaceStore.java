package io.parley.core.store;

import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Workspaces, their members with roles, and invites. */
public interface WorkspaceStore {
    /** Creates a workspace with its owner in one transaction. @throws io.parley.core.error.ParleyException CONFLICT on a taken slug */
    void create(Workspace workspace, Membership owner);

    Optional<Workspace> byId(UUID id);

    Optional<Workspace> bySlug(String slug);

    /** {@return the workspaces the user belongs to, oldest first} */
    List<Workspace> forUser(UUID userId);

    void update(UUID id, String name, boolean openSignup);

    /** Adds a member; {@return false if already a member (nothing changed)} */
    boolean addMember(Membership membership);

    Optional<Membership> membership(UUID workspaceId, UUID userId);

    List<Membership> members(UUID workspaceId);

    void setRole(UUID workspaceId, UUID userId, Role role);

    /** Removes the member from the workspace and from all of its chats, in one transaction. */
    void removeMember(UUID workspaceId, UUID userId);

    void insertInvite(Invite invite);

    Optional<Invite> inviteByCodeHash(String codeHash);

    List<Invite> invites(UUID workspaceId);

    /** Counts one use of an invite if it is still usable at {@code now}. {@return false if it was not} */
    boolean useInvite(UUID inviteId, Instant now);

    void revokeInvite(UUID inviteId);
}
