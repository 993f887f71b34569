package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.auth.User;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.PresenceView;
import io.parley.server.wire.UserView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;

/** The caller's own profile, and other users' public profiles and presence. */
final class UserRoutes implements Routes {
    private final Services services;
    private final io.parley.server.federation.org.OrgChannels orgs;

    /** @param orgs the org layer, which shows remote authors to readers of their org-shared chats; null when not wired */
    UserRoutes(Services services, io.parley.server.federation.org.OrgChannels orgs) {
        this.services = services;
        this.orgs = orgs;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/users/me", this::me),
                Endpoint.patch("/api/v1/users/me", this::updateMe),
                Endpoint.get("/api/v1/users/{userId}", this::user),
                Endpoint.get("/api/v1/users/{userId}/presence", this::presence));
    }

    private HttpResponse me(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        User u = services.auth().user(caller.userId()).orElseThrow(() -> ParleyException.unauthorized("no such user"));
        return HttpResponse.ok(new Replies.OneUser(UserView.self(u)));
    }

    private HttpResponse updateMe(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Requests.Profile b = body(request, Requests.Profile.class);
        User u = services.auth().updateProfile(caller, b.handle(), b.displayName());
        return HttpResponse.ok(new Replies.OneUser(UserView.self(u)));
    }

    private HttpResponse user(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID id = ApiSupport.uuidPath(request, "userId");
        User u;
        try {
            u = services.workspaces().visibleUser(caller, id);
        } catch (ParleyException e) {
            // Not in a shared workspace: perhaps a remote author of an org-shared chat the caller reads.
            var remote = orgs == null ? java.util.Optional.<io.parley.server.federation.org.OrgChannels.RemoteUser>empty()
                    : orgs.visibleRemoteUser(caller.userId(), id);
            if (remote.isEmpty()) throw e;
            return HttpResponse.ok(new Replies.OneUser(UserView.remote(remote.get().user(), remote.get().pod())));
        }
        return HttpResponse.ok(new Replies.OneUser(id.equals(caller.userId()) ? UserView.self(u) : UserView.of(u)));
    }

    /** Someone who shares no workspace with the caller is not found (no existence leak). */
    private HttpResponse presence(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID id = ApiSupport.uuidPath(request, "userId");
        if (services.presence().visibleTo(caller.userId(), List.of(id)).isEmpty()) throw ParleyException.notFound("no such user");
        return HttpResponse.ok(new Replies.OnePresence(PresenceView.of(services.presence().of(id))));
    }
}
