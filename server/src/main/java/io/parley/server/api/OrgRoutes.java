package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;

/**
 * Orgs and org-shared channels (issue 7 §2): the pod admins' API, and each org-shared chat's status for its members.
 * The checks are in {@link OrgChannels}. Org channel ids contain {@code #}: clients percent-encode it ({@code %23}).
 */
final class OrgRoutes implements Routes {
    record CreateOrg(String name) {}

    record AddMember(String pod) {}

    record Share(String orgId, UUID chatId) {}

    record MapChannel(UUID workspaceId, UUID chatId) {}

    record OrgReply(Object org) {}

    record OrgsReply(List<?> orgs) {}

    record ChannelReply(OrgChannels.ChannelView channel) {}

    record ChannelsReply(List<OrgChannels.ChannelView> channels) {}

    private final Services services;
    private final OrgChannels orgs;

    /** @param orgs the org layer, or null when it is not wired (the routes then answer 503) */
    OrgRoutes(Services services, OrgChannels orgs) {
        this.services = services;
        this.orgs = orgs;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/v1/admin/pod/orgs", this::createOrg),
                Endpoint.get("/api/v1/admin/pod/orgs", this::listOrgs),
                Endpoint.post("/api/v1/admin/pod/orgs/{orgId}/members", this::addMember),
                Endpoint.post("/api/v1/admin/pod/org-channels", this::share),
                Endpoint.get("/api/v1/admin/pod/org-channels", this::channels),
                Endpoint.get("/api/v1/admin/pod/org-channels/{orgChannelId}", this::channel),
                Endpoint.post("/api/v1/admin/pod/org-channels/{orgChannelId}/map", this::map),
                Endpoint.get("/api/v1/admin/pod/org-channels/{orgChannelId}/digest", this::digest),
                Endpoint.get("/api/v1/chats/{chatId}/org-status", this::status));
    }

    private OrgChannels orgs() {
        if (orgs == null) throw ParleyException.unavailable("org-shared channels are not available on this server", 60, null);
        return orgs;
    }

    private HttpResponse createOrg(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        CreateOrg b = body(request, CreateOrg.class);
        return ApiSupport.created(new OrgReply(orgs().createOrg(caller, ApiSupport.required("name", b.name()))));
    }

    private HttpResponse listOrgs(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new OrgsReply(orgs().listOrgs(caller)));
    }

    private HttpResponse addMember(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        AddMember b = body(request, AddMember.class);
        return HttpResponse.ok(new OrgReply(orgs().addMember(caller, request.pathParam("orgId"), ApiSupport.required("pod", b.pod()))));
    }

    private HttpResponse share(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Share b = body(request, Share.class);
        return ApiSupport.created(new ChannelReply(orgs().share(caller, ApiSupport.required("orgId", b.orgId()),
                ApiSupport.required("chatId", b.chatId()))));
    }

    private HttpResponse channels(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new ChannelsReply(orgs().channels(caller)));
    }

    private HttpResponse channel(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new ChannelReply(orgs().channel(caller, request.pathParam("orgChannelId"))));
    }

    private HttpResponse map(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        MapChannel b = body(request, MapChannel.class);
        if ((b.workspaceId() == null) == (b.chatId() == null)) throw ParleyException.invalid("give workspaceId or chatId, one of them");
        return HttpResponse.ok(new ChannelReply(orgs().map(caller, request.pathParam("orgChannelId"), b.workspaceId(), b.chatId())));
    }

    private HttpResponse digest(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(orgs().digest(caller, request.pathParam("orgChannelId")));
    }

    private HttpResponse status(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(orgs().status(caller.userId(), ApiSupport.uuidPath(request, "chatId")));
    }
}
