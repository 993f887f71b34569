package io.parley.core.workspace;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.Principal;
import io.parley.core.auth.TokenCodec;
import io.parley.core.auth.Tokens;
import io.parley.core.auth.User;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.store.ChatStore;
import io.parley.core.store.UserStore;
import io.parley.core.store.WorkspaceStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Workspaces, their members and invites, with spec 004's permission matrix enforced here (so REST,
 * WebSocket and every later API share it). Also first-run setup: while no account exists, one call
 * creates the owner, the first workspace and its #general channel.
 */
public final class WorkspaceService {
    /** The channel every new workspace starts with and every new member joins. */
    public static final String GENERAL = "general";
    private static final Duration MAX_INVITE_TTL = Duration.ofDays(30);

    private final WorkspaceStore workspaces;
    private final ChatStore chats;
    private final UserStore users;
    private final AuthService auth;
    private final ChatDirectory directory;
    private final Bus bus;
    private final Clock clock;

    public WorkspaceService(WorkspaceStore workspaces, ChatStore chats, UserStore users, AuthService auth,
                            ChatDirectory directory, Bus bus, Clock clock) {
        this.workspaces = workspaces;
        this.chats = chats;
        this.users = users;
        this.auth = auth;
        this.directory = directory;
        this.bus = bus;
        this.clock = clock;
    }

    /** The outcome of first-run setup. */
    public record Setup(Tokens tokens, Workspace workspace) {}

    /** {@return whether first-run setup is still open (no account exists yet)} */
    public boolean setupOpen() {
        return users.count() == 0;
    }

    /** First-run setup: the owner account, the first workspace and #general. @throws ParleyException CONFLICT once any account exists */
    public synchronized Setup bootstrap(String email, String handle, String displayName, String password,
                                        String workspaceName) {
        if (!setupOpen()) throw ParleyException.conflict("setup is already done; ask an admin for an invite");
        User owner = auth.createUser(email, handle, displayName, password);
        Workspace ws = createWorkspace(owner.id(), workspaceName);
        return new Setup(auth.startSession(owner), ws);
    }

    /** Creates a workspace owned by the caller, with #general. */
    public Workspace create(Principal caller, String name) {
        return createWorkspace(caller.userId(), name);
    }

    private Workspace createWorkspace(UUID ownerId, String name) {
        String n = Input.name("name", name, 80);
        String slug = Input.slugOf(n);
        if (workspaces.bySlug(slug).isPresent()) slug = slug.length() > 54 ? slug.substring(0, 54) : slug;
        while (workspaces.bySlug(slug).isPresent()) slug = Input.slugOf(n) + "-" + UUID.randomUUID().toString().substring(0, 6);
        Instant now = clock.instant();
        Workspace ws = new Workspace(Uuid7.next(), n, slug, ownerId, now, false);
        workspaces.create(ws, new Membership(ws.id(), ownerId, Role.OWNER, now));
        chats.create(new Chat(Uuid7.next(), ws.id(), ChatKind.PUBLIC_CHANNEL, GENERAL, "", "Workspace-wide announcements and talk",
                false, ownerId, now, 0, null), List.of(ownerId));
        return ws;
    }

    /** {@return the caller's workspaces} */
    public List<Workspace> mine(Principal caller) {
        return workspaces.forUser(caller.userId());
    }

    /** {@return the workspace} @throws ParleyException NOT_FOUND unless the caller is a member */
    public Workspace get(Principal caller, UUID workspaceId) {
        requireMember(caller, workspaceId);
        return workspaces.byId(workspaceId).orElseThrow(() -> ParleyException.notFound("no such workspace"));
    }

    /** {@return the caller's membership} @throws ParleyException NOT_FOUND if not a member (no existence leak) */
    public Membership requireMember(Principal caller, UUID workspaceId) {
        return workspaces.membership(workspaceId, caller.userId())
                .orElseThrow(() -> ParleyException.notFound("no such workspace"));
    }

    /** {@return the caller's membership} @throws ParleyException FORBIDDEN unless the role grants the permission */
    public Membership require(Principal caller, UUID workspaceId, Permission permission) {
        Membership m = requireMember(caller, workspaceId);
        if (!m.role().may(permission)) {
            throw ParleyException.forbidden("your role (" + m.role().wire() + ") may not " + permission.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        return m;
    }

    /**
     * {@return another user's account as the caller may see it: only someone the caller shares a
     * workspace with} @throws ParleyException NOT_FOUND otherwise (no existence leak)
     */
    public User visibleUser(Principal caller, UUID userId) {
        boolean visible = userId.equals(caller.userId()) || workspaces.forUser(caller.userId()).stream()
                .anyMatch(ws -> workspaces.membership(ws.id(), userId).isPresent());
        if (!visible) throw ParleyException.notFound("no such user");
        return auth.user(userId).orElseThrow(() -> ParleyException.notFound("no such user"));
    }

    public List<Membership> members(Principal caller, UUID workspaceId) {
        requireMember(caller, workspaceId);
        return workspaces.members(workspaceId);
    }

    /** Changes workspace settings (owner only). */
    public Workspace updateSettings(Principal caller, UUID workspaceId, String name, Boolean openSignup) {
        require(caller, workspaceId, Permission.MANAGE_WORKSPACE_SETTINGS);
        Workspace ws = workspaces.byId(workspaceId).orElseThrow(() -> ParleyException.notFound("no such workspace"));
        String n = name == null ? ws.name() : Input.name("name", name, 80);
        boolean open = openSignup == null ? ws.openSignup() : openSignup;
        workspaces.update(workspaceId, n, open);
        return workspaces.byId(workspaceId).orElseThrow();
    }

    /** An invite as created: the code is shown only here. */
    public record CreatedInvite(Invite invite, String code) {}

    /** Creates an invite (admins). Owners may invite admins; nobody invites owners. */
    public CreatedInvite createInvite(Principal caller, UUID workspaceId, Role role, Duration ttl, int maxUses, String email) {
        Membership m = require(caller, workspaceId, Permission.INVITE_MEMBERS);
        Role r = role == null ? Role.MEMBER : role;
        if (r == Role.OWNER) throw ParleyException.invalid("role owner cannot be given by invite");
        if (r == Role.ADMIN && m.role() != Role.OWNER) throw ParleyException.forbidden("only the owner may invite admins");
        Duration life = ttl == null ? Duration.ofDays(7) : ttl;
        if (life.isNegative() || life.isZero() || life.compareTo(MAX_INVITE_TTL) > 0) {
            throw ParleyException.invalid("expiry must be between 1 second and 30 days");
        }
        if (maxUses < 0 || maxUses > 10_000) throw ParleyException.invalid("maxUses must be 0 (unlimited) to 10000");
        String mail = email == null || email.isBlank() ? null : Input.email(email);
        String code = TokenCodec.mint("inv_");
        Instant now = clock.instant();
        Invite invite = new Invite(Uuid7.next(), workspaceId, TokenCodec.hash(code), r, mail, caller.userId(), now,
                now.plus(life), maxUses, 0, false);
        workspaces.insertInvite(invite);
        return new CreatedInvite(invite, code);
    }

    public List<Invite> invites(Principal caller, UUID workspaceId) {
        require(caller, workspaceId, Permission.INVITE_MEMBERS);
        return workspaces.invites(workspaceId);
    }

    public void revokeInvite(Principal caller, UUID workspaceId, UUID inviteId) {
        require(caller, workspaceId, Permission.INVITE_MEMBERS);
        boolean ours = workspaces.invites(workspaceId).stream().anyMatch(i -> i.id().equals(inviteId));
        if (!ours) throw ParleyException.notFound("no such invite");
        workspaces.revokeInvite(inviteId);
    }

    /** Signs up a new user with an invite code: the account, the membership and a session. */
    public Setup registerByInvite(String code, String email, String handle, String displayName, String password) {
        Invite invite = usableInvite(code);
        if (invite.email() != null && !invite.email().equalsIgnoreCase(Input.email(email))) {
            throw ParleyException.forbidden("this invite is for another e-mail address");
        }
        User user = auth.createUser(email, handle, displayName, password);
        Workspace ws = admit(invite, user.id());
        return new Setup(auth.startSession(user), ws);
    }

    /** Joins a workspace with an invite code, as an existing user. */
    public Workspace join(Principal caller, String code) {
        Invite invite = usableInvite(code);
        if (workspaces.membership(invite.workspaceId(), caller.userId()).isPresent()) {
            return workspaces.byId(invite.workspaceId()).orElseThrow();
        }
        if (invite.email() != null) {
            User u = users.byId(caller.userId()).orElseThrow();
            if (!invite.email().equalsIgnoreCase(u.email())) throw ParleyException.forbidden("this invite is for another e-mail address");
        }
        return admit(invite, caller.userId());
    }

    private Invite usableInvite(String code) {
        if (code == null || code.isBlank()) throw ParleyException.invalid("invite code is required");
        Invite invite = workspaces.inviteByCodeHash(TokenCodec.hash(code.strip()))
                .orElseThrow(() -> ParleyException.notFound("no such invite"));
        if (!invite.usableAt(clock.instant())) throw new ParleyException(ErrorCode.FORBIDDEN, "invite has expired or been used up");
        return invite;
    }

    private Workspace admit(Invite invite, UUID userId) {
        if (!workspaces.useInvite(invite.id(), clock.instant())) {
            throw ParleyException.forbidden("invite has expired or been used up");
        }
        Instant now = clock.instant();
        workspaces.addMember(new Membership(invite.workspaceId(), userId, invite.role(), now));
        if (invite.role() != Role.GUEST) {
            chats.byName(invite.workspaceId(), GENERAL).ifPresent(general -> {
                long since = chats.addMember(general.id(), userId);
                if (since >= 0) {
                    directory.memberChanged(general.id(), userId, true);
                    bus.publish(new BusEvent.MembershipChanged(invite.workspaceId(), general.id(), userId, true, since));
                }
            });
        }
        return workspaces.byId(invite.workspaceId()).orElseThrow();
    }

    /** Changes a member's role (admins; only the owner touches admins; the owner's own role is fixed). */
    public void setRole(Principal caller, UUID workspaceId, UUID userId, Role role) {
        Membership actor = require(caller, workspaceId, Permission.REMOVE_MEMBERS);
        Membership target = workspaces.membership(workspaceId, userId)
                .orElseThrow(() -> ParleyException.notFound("no such member"));
        if (role == null) throw ParleyException.invalid("role is required");
        if (target.role() == Role.OWNER || role == Role.OWNER) throw ParleyException.forbidden("the owner role cannot be changed here");
        if ((target.role() == Role.ADMIN || role == Role.ADMIN) && actor.role() != Role.OWNER) {
            throw ParleyException.forbidden("only the owner may grant or take the admin role");
        }
        workspaces.setRole(workspaceId, userId, role);
    }

    /** Removes a member from the workspace and all its chats, and signs them out of this workspace's sockets. */
    public void removeMember(Principal caller, UUID workspaceId, UUID userId) {
        Membership actor = require(caller, workspaceId, Permission.REMOVE_MEMBERS);
        Membership target = workspaces.membership(workspaceId, userId)
                .orElseThrow(() -> ParleyException.notFound("no such member"));
        if (target.role() == Role.OWNER) throw ParleyException.forbidden("the owner cannot be removed");
        if (target.role() == Role.ADMIN && actor.role() != Role.OWNER) throw ParleyException.forbidden("only the owner may remove an admin");
        List<Chat> theirs = chats.chatsOf(workspaceId, userId);
        workspaces.removeMember(workspaceId, userId);
        for (Chat c : theirs) {
            directory.memberChanged(c.id(), userId, false);
            bus.publish(new BusEvent.MembershipChanged(workspaceId, c.id(), userId, false, -1));
        }
        // A removed user's open sockets must stop receiving this workspace's events; sessions are
        // per user, so every session is revoked (the user signs in again to see other workspaces).
        auth.revokeAll(userId, null);
    }
}
