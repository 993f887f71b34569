package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.auth.Tokens;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;

import java.util.List;

import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.created;

/** First-run setup, sign-up by invite, login, refresh, logout and password change. */
final class AuthRoutes implements Routes {
    private final Services services;

    AuthRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/setup", this::setupState),
                Endpoint.post("/api/v1/setup", this::setup),
                Endpoint.post("/api/v1/auth/register", this::register),
                Endpoint.post("/api/v1/auth/login", this::login),
                Endpoint.post("/api/v1/auth/refresh", this::refresh),
                Endpoint.post("/api/v1/auth/logout", this::logout),
                Endpoint.post("/api/v1/auth/password", this::changePassword));
    }

    private HttpResponse setupState(HttpRequest request) {
        return HttpResponse.ok(new Replies.SetupState(services.workspaces().setupOpen()));
    }

    private HttpResponse setup(HttpRequest request) {
        Requests.Setup b = body(request, Requests.Setup.class);
        WorkspaceService.Setup s = services.workspaces().bootstrap(b.email(), b.handle(), b.displayName(), b.password(),
                b.workspaceName());
        return created(Replies.Session.of(s.tokens(), s.workspace()));
    }

    private HttpResponse register(HttpRequest request) {
        Requests.Register b = body(request, Requests.Register.class);
        WorkspaceService.Setup s = services.workspaces().registerByInvite(b.inviteCode(), b.email(), b.handle(),
                b.displayName(), b.password());
        return created(Replies.Session.of(s.tokens(), s.workspace()));
    }

    private HttpResponse login(HttpRequest request) {
        Requests.Login b = body(request, Requests.Login.class);
        Tokens t = services.auth().login(b.email(), b.password(), request.remoteAddress());
        return HttpResponse.ok(Replies.Session.of(t, null));
    }

    private HttpResponse refresh(HttpRequest request) {
        Requests.Refresh b = body(request, Requests.Refresh.class);
        return HttpResponse.ok(Replies.Session.of(services.auth().refresh(b.refreshToken()), null));
    }

    private HttpResponse logout(HttpRequest request) {
        Principal caller = ApiSupport.authenticate(services.auth(), request);
        services.auth().logout(caller);
        return HttpResponse.noContent();
    }

    private HttpResponse changePassword(HttpRequest request) {
        Principal caller = ApiSupport.authenticate(services.auth(), request);
        Requests.ChangePassword b = body(request, Requests.ChangePassword.class);
        services.auth().changePassword(caller, b.oldPassword(), b.newPassword(), request.remoteAddress());
        return HttpResponse.noContent();
    }
}
