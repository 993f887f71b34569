package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.chat.Message;
import io.parley.core.chat.MessageService;
import io.parley.core.error.ParleyException;
import io.parley.core.store.LogResult;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.MessageView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.await;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.idempotencyKey;
import static io.parley.server.api.ApiSupport.uuidPath;

/**
 * Messages: history, send, read one, edit, delete, threads, reactions and read marks. Writes wait for
 * the log commit (persist before answering); each carries a client id so that a retry is answered
 * with the original result instead of a second write.
 */
final class MessageRoutes implements Routes {
    /** Largest page of history or thread replies per request. */
    static final int MAX_LIMIT = 200;
    static final int DEFAULT_LIMIT = 50;

    private final Services services;

    private final io.parley.server.federation.org.OrgChannels orgs;

    MessageRoutes(Services services) {
        this(services, null);
    }

    /** @param orgs the org layer, for {@code order=merged}; null when it is not wired */
    MessageRoutes(Services services, io.parley.server.federation.org.OrgChannels orgs) {
        this.orgs = orgs;
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/chats/{chatId}/messages", this::history),
                Endpoint.post("/api/v1/chats/{chatId}/messages", this::send),
                Endpoint.post("/api/v1/chats/{chatId}/read", this::markRead),
                Endpoint.get("/api/v1/messages/{messageId}", this::get),
                Endpoint.patch("/api/v1/messages/{messageId}", this::edit),
                Endpoint.delete("/api/v1/messages/{messageId}", this::delete),
                Endpoint.get("/api/v1/messages/{messageId}/thread", this::thread),
                Endpoint.post("/api/v1/messages/{messageId}/reactions", this::react),
                Endpoint.delete("/api/v1/messages/{messageId}/reactions/{emoji}", this::unreact));
    }

    private MessageService messages() {
        return services.messages();
    }

    private static HttpResponse message(int status, Message m) {
        return HttpResponse.json(status, new Replies.OneMessage(MessageView.of(m)));
    }

    /**
     * A page of top-level messages in ascending seq order: the latest ones, those before {@code before},
     * or those after {@code after}. One extra row is fetched to tell whether more exist.
     */
    private HttpResponse history(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        Long before = ApiSupport.seqQuery(request, "before");
        Long after = ApiSupport.seqQuery(request, "after");
        if (before != null && after != null) throw ParleyException.invalid("give before or after, not both");
        int limit = ApiSupport.intQuery(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        String order = request.query().getOrDefault("order", List.of("seq")).getFirst();
        if (order.equals("merged")) { // an org-shared chat as every pod shows it: (post hlc, origin pod, message id)
            if (before != null || after != null) throw ParleyException.invalid("order=merged takes no before or after");
            if (orgs == null) throw ParleyException.unavailable("the merged order is not available on this server", 60, null);
            List<Message> merged = orgs.merged(caller.userId(), chatId, limit + 1);
            boolean more = merged.size() > limit;
            if (more) merged = merged.subList(merged.size() - limit, merged.size());
            return HttpResponse.ok(new Replies.Messages(merged.stream().map(MessageView::of).toList(), more));
        }
        if (!order.equals("seq")) throw ParleyException.invalid("order is seq or merged");
        List<Message> page = messages().history(caller.userId(), chatId, before, after, limit + 1);
        boolean more = page.size() > limit;
        if (more) page = after != null ? page.subList(0, limit) : page.subList(page.size() - limit, page.size());
        return HttpResponse.ok(new Replies.Messages(page.stream().map(MessageView::of).toList(), more));
    }

    /** 201 with the new message; 200 with the original one when the client id was already used. */
    private HttpResponse send(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        Requests.PostMessage b = body(request, Requests.PostMessage.class);
        UUID clientId = b.clientMsgId() != null ? b.clientMsgId() : idempotencyKey(request);
        var draft = new io.parley.core.chat.Draft(b.content(), b.replyTo(), b.attachments(), "urgent".equals(b.priority()));
        LogResult r = await(messages().send(caller.userId(), chatId, clientId, draft));
        return message(r.duplicate() ? 200 : 201, r.message());
    }

    private HttpResponse markRead(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID chatId = uuidPath(request, "chatId");
        Requests.MarkRead b = body(request, Requests.MarkRead.class);
        return HttpResponse.ok(new Replies.ReadMark(messages().markRead(caller.userId(), chatId, b.messageId(), b.seq())));
    }

    private HttpResponse get(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return message(200, messages().message(caller.userId(), uuidPath(request, "messageId")));
    }

    private HttpResponse edit(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID messageId = uuidPath(request, "messageId");
        Requests.EditMessage b = body(request, Requests.EditMessage.class);
        UUID clientId = idempotencyKey(request);
        return message(200, await(messages().edit(caller.userId(), messageId, clientId, b.content())).message());
    }

    private HttpResponse delete(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID messageId = uuidPath(request, "messageId");
        UUID clientId = idempotencyKey(request);
        await(messages().delete(caller.userId(), messageId, clientId));
        return HttpResponse.noContent();
    }

    /** The thread of a message (of its root, if the message is a reply): root, then replies in order. */
    private HttpResponse thread(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID messageId = uuidPath(request, "messageId");
        int limit = ApiSupport.intQuery(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        List<Message> all = messages().thread(caller.userId(), messageId, limit + 1);
        List<Message> replies = all.subList(1, all.size());
        boolean more = replies.size() > limit;
        if (more) replies = replies.subList(0, limit);
        return HttpResponse.ok(new Replies.Thread(MessageView.of(all.getFirst()),
                replies.stream().map(MessageView::of).toList(), more));
    }

    private HttpResponse react(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID messageId = uuidPath(request, "messageId");
        Requests.React b = body(request, Requests.React.class);
        UUID clientId = idempotencyKey(request);
        return message(200, await(messages().react(caller.userId(), messageId, clientId, b.emoji(), true)).message());
    }

    private HttpResponse unreact(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID messageId = uuidPath(request, "messageId");
        // The server hands over path parameters already percent-decoded (UTF-8).
        String emoji = request.pathParam("emoji");
        UUID clientId = idempotencyKey(request);
        return message(200, await(messages().react(caller.userId(), messageId, clientId, emoji, false)).message());
    }
}
