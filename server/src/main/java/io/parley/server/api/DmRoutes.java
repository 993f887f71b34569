package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.ChatView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.uuidPath;

/** Direct messages: opening (or finding) the DM or group DM between the caller and others. */
final class DmRoutes implements Routes {
    private final Services services;

    DmRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.post("/api/v1/workspaces/{wsId}/dms", this::open));
    }

    /** Always 200: the same people always get the same chat, whether it is new or not. */
    private HttpResponse open(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        Requests.UserIds b = body(request, Requests.UserIds.class);
        return HttpResponse.ok(new Replies.OneChat(ChatView.of(services.chats().openDm(caller, wsId, b.userIds()))));
    }
}
