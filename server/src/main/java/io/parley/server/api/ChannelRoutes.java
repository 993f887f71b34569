package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.chat.ChatService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.ChatView;
import io.parley.server.wire.UserView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.created;
import static io.parley.server.api.ApiSupport.uuidPath;

/** Channels and chats: listing, creating, settings, archiving, joining, leaving and membership. */
final class ChannelRoutes implements Routes {
    private final Services services;

    ChannelRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/workspaces/{wsId}/channels", this::list),
                Endpoint.post("/api/v1/workspaces/{wsId}/channels", this::create),
                Endpoint.get("/api/v1/chats/{chatId}", this::get),
                Endpoint.patch("/api/v1/chats/{chatId}", this::update),
                Endpoint.post("/api/v1/chats/{chatId}/archive", r -> archive(r, true)),
                Endpoint.post("/api/v1/chats/{chatId}/unarchive", r -> archive(r, false)),
                Endpoint.post("/api/v1/chats/{chatId}/join", this::join),
                Endpoint.post("/api/v1/chats/{chatId}/leave", this::leave),
                Endpoint.get("/api/v1/chats/{chatId}/members", this::members),
                Endpoint.post("/api/v1/chats/{chatId}/members", this::addMembers),
                Endpoint.delete("/api/v1/chats/{chatId}/members/{userId}", this::removeMember));
    }

    private ChatService chats() {
        return services.chats();
    }

    private static HttpResponse chat(io.parley.core.chat.Chat c) {
        return HttpResponse.ok(new Replies.OneChat(ChatView.of(c)));
    }

    private HttpResponse list(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        boolean all = ApiSupport.boolQuery(request, "all");
        return HttpResponse.ok(new Replies.Chats(chats().list(caller, wsId, all).stream().map(ChatView::of).toList()));
    }

    private HttpResponse create(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        Requests.CreateChannel b = body(request, Requests.CreateChannel.class);
        var c = chats().createChannel(caller, wsId, b.name(), Boolean.TRUE.equals(b.isPrivate()), b.topic(), b.purpose());
        return created(new Replies.OneChat(ChatView.of(c)));
    }

    private HttpResponse get(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return chat(chats().get(caller, uuidPath(request, "chatId")));
    }

    private HttpResponse update(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        Requests.UpdateChat b = body(request, Requests.UpdateChat.class);
        return chat(chats().update(caller, chatId, b.name(), b.topic(), b.purpose()));
    }

    private HttpResponse archive(HttpRequest request, boolean archived) {
        Principal caller = authenticate(services.auth(), request);
        return chat(chats().setArchived(caller, uuidPath(request, "chatId"), archived));
    }

    private HttpResponse join(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return chat(chats().join(caller, uuidPath(request, "chatId")));
    }

    private HttpResponse leave(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        chats().leave(caller, uuidPath(request, "chatId"));
        return HttpResponse.noContent();
    }

    private HttpResponse members(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        List<UUID> ids = chats().members(caller, uuidPath(request, "chatId"));
        return HttpResponse.ok(new Replies.Users(services.auth().users(ids).stream().map(UserView::of).toList()));
    }

    private HttpResponse addMembers(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        Requests.UserIds b = body(request, Requests.UserIds.class);
        chats().addMembers(caller, chatId, b.userIds());
        return HttpResponse.noContent();
    }

    private HttpResponse removeMember(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        UUID userId = uuidPath(request, "userId");
        chats().removeMember(caller, chatId, userId);
        return HttpResponse.noContent();
    }
}
