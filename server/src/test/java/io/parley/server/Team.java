package io.parley.server;

import io.parley.core.auth.Tokens;
import io.parley.core.chat.Chat;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.app.Services;

import java.time.Duration;
import java.util.UUID;

/**
 * Test fixture: a workspace with an owner, and helpers to add people by invite. Set up through the
 * services (the REST tests cover the same flows over HTTP).
 */
public final class Team {
    public final Services services;
    public final Tokens owner;
    public final UUID workspaceId;
    public final UUID general;

    private Team(Services services, Tokens owner, UUID workspaceId, UUID general) {
        this.services = services;
        this.owner = owner;
        this.workspaceId = workspaceId;
        this.general = general;
    }

    /** Bootstraps a fresh server: owner "owner@example.com" and workspace "Acme". */
    public static Team bootstrap(TestServer server) {
        Services s = server.server().services();
        WorkspaceService.Setup setup = s.workspaces().bootstrap("owner@example.com", "owner", "Olive Owner", "correct horse battery", "Acme");
        UUID general = s.chats().list(s.auth().authenticate(setup.tokens().accessToken()), setup.workspace().id(), false)
                .stream().filter(c -> "general".equals(c.name())).findFirst().orElseThrow().id();
        return new Team(s, setup.tokens(), setup.workspace().id(), general);
    }

    /** Adds a person by invite with a role; {@return their tokens} */
    public Tokens add(String handle, Role role) {
        var invite = services.workspaces().createInvite(services.auth().authenticate(owner.accessToken()), workspaceId, role,
                Duration.ofHours(1), 1, null);
        return services.workspaces().registerByInvite(invite.code(), handle + "@example.com", handle, handle, "password-" + handle)
                .tokens();
    }

    public Tokens add(String handle) {
        return add(handle, Role.MEMBER);
    }

    /** Creates a channel as the given user; {@return it} */
    public Chat channel(Tokens who, String name, boolean isPrivate) {
        return services.chats().createChannel(services.auth().authenticate(who.accessToken()), workspaceId, name, isPrivate, null, null);
    }
}
