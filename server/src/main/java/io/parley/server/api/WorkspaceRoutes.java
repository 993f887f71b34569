package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.auth.User;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.UserView;
import io.parley.server.wire.WorkspaceView;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.created;
import static io.parley.server.api.ApiSupport.uuidPath;

/** Workspaces the caller belongs to, their members, invites, and joining by invite code. */
final class WorkspaceRoutes implements Routes {
    private final Services services;

    WorkspaceRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/workspaces", this::mine),
                Endpoint.post("/api/v1/workspaces", this::create),
                Endpoint.post("/api/v1/workspaces/join", this::join),
                Endpoint.get("/api/v1/workspaces/{wsId}", this::get),
                Endpoint.get("/api/v1/workspaces/{wsId}/members", this::members),
                Endpoint.post("/api/v1/workspaces/{wsId}/invites", this::createInvite),
                Endpoint.get("/api/v1/workspaces/{wsId}/invites", this::invites),
                Endpoint.delete("/api/v1/workspaces/{wsId}/invites/{inviteId}", this::revokeInvite));
    }

    private WorkspaceService ws() {
        return services.workspaces();
    }

    private HttpResponse mine(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new Replies.Workspaces(ws().mine(caller).stream().map(WorkspaceView::of).toList()));
    }

    private HttpResponse create(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Requests.CreateWorkspace b = body(request, Requests.CreateWorkspace.class);
        return created(new Replies.OneWorkspace(WorkspaceView.of(ws().create(caller, b.name()))));
    }

    private HttpResponse join(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Requests.JoinWorkspace b = body(request, Requests.JoinWorkspace.class);
        return HttpResponse.ok(new Replies.OneWorkspace(WorkspaceView.of(ws().join(caller, b.code()))));
    }

    private HttpResponse get(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        return HttpResponse.ok(new Replies.OneWorkspace(WorkspaceView.of(ws().get(caller, wsId))));
    }

    /** Members with their roles; admins and the owner also see e-mail addresses. */
    private HttpResponse members(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        List<Membership> members = ws().members(caller, wsId);
        boolean admin = members.stream()
                .anyMatch(m -> m.userId().equals(caller.userId()) && m.role().atLeast(Role.ADMIN));
        Map<UUID, User> users = services.auth().users(members.stream().map(Membership::userId).toList()).stream()
                .collect(Collectors.toMap(User::id, Function.identity(), (a, b) -> a));
        List<Replies.Member> out = members.stream()
                .filter(m -> users.containsKey(m.userId()))
                .map(m -> {
                    User u = users.get(m.userId());
                    boolean showEmail = admin || u.id().equals(caller.userId());
                    return Replies.Member.of(m, showEmail ? UserView.self(u) : UserView.of(u));
                })
                .toList();
        return HttpResponse.ok(new Replies.Members(out));
    }

    private HttpResponse createInvite(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        Requests.CreateInvite b = body(request, Requests.CreateInvite.class);
        WorkspaceService.CreatedInvite ci = ws().createInvite(caller, wsId, ApiSupport.role(b.role()),
                b.expiresInSeconds() == null ? null : Duration.ofSeconds(b.expiresInSeconds()),
                b.maxUses() == null ? 0 : b.maxUses(), b.email());
        return created(new Replies.OneInvite(Replies.InviteView.of(ci.invite(), ci.code())));
    }

    private HttpResponse invites(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        return HttpResponse.ok(new Replies.Invites(ws().invites(caller, wsId).stream()
                .map(i -> Replies.InviteView.of(i, null)).toList()));
    }

    private HttpResponse revokeInvite(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        UUID inviteId = uuidPath(request, "inviteId");
        ws().revokeInvite(caller, wsId, inviteId);
        return HttpResponse.noContent();
    }
}
