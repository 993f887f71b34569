package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.WorkspaceView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.uuidPath;

/** Workspace administration: settings (owner), member roles and removal (admins; see WorkspaceService). */
final class AdminRoutes implements Routes {
    private final Services services;

    AdminRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.patch("/api/v1/workspaces/{wsId}/settings", this::settings),
                Endpoint.put("/api/v1/workspaces/{wsId}/members/{userId}/role", this::setRole),
                Endpoint.delete("/api/v1/workspaces/{wsId}/members/{userId}", this::remove));
    }

    private HttpResponse settings(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        Requests.Settings b = body(request, Requests.Settings.class);
        return HttpResponse.ok(new Replies.OneWorkspace(
                WorkspaceView.of(services.workspaces().updateSettings(caller, wsId, b.name(), b.openSignup()))));
    }

    private HttpResponse setRole(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        UUID userId = uuidPath(request, "userId");
        Requests.SetRole b = body(request, Requests.SetRole.class);
        services.workspaces().setRole(caller, wsId, userId, ApiSupport.role(b.role()));
        return HttpResponse.noContent();
    }

    private HttpResponse remove(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        UUID userId = uuidPath(request, "userId");
        services.workspaces().removeMember(caller, wsId, userId);
        return HttpResponse.noContent();
    }
}
