package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.error.RateLimitedException;
import io.parley.core.webhook.IncomingPost;
import io.parley.core.webhook.Webhook;
import io.parley.core.webhook.WebhookService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.slack.WebhookPayload;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.await;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.uuidPath;

/**
 * Incoming webhooks: the admin API under {@code /api/v1} (create, list, rotate, delete), and the Slack-compatible
 * endpoint {@code POST /hooks/{token}} that answers as Slack does: {@code 200 text/plain "ok"}, or a plain-text
 * error word ({@code invalid_payload}, {@code no_text}, {@code action_prohibited}, {@code channel_not_found},
 * {@code channel_is_archived}, {@code rate_limited} with Retry-After, {@code no_service} for an unknown URL).
 */
final class WebhookRoutes implements Routes {
    private final Services services;
    private final Supplier<String> publicUrl;

    /** @param publicUrl the server's public base URL, ending in '/' (webhook URLs are built on it) */
    WebhookRoutes(Services services, Supplier<String> publicUrl) {
        this.services = services;
        this.publicUrl = publicUrl;
    }

    /** A webhook on the wire; {@code url} (which holds the secret) only in the answer to create and rotate. */
    record WebhookView(UUID id, UUID workspaceId, UUID chatId, String name, String iconEmoji, String iconUrl, UUID createdBy,
                       Instant createdAt, String url) {
        static WebhookView of(Webhook h, String url) {
            return new WebhookView(h.id(), h.workspaceId(), h.chatId(), h.name(), h.iconEmoji(), h.iconUrl(), h.ownerId(),
                    h.createdAt(), url);
        }
    }

    record OneWebhook(WebhookView webhook) {}

    record Webhooks(List<WebhookView> webhooks) {}

    record CreateWebhook(String name, String iconEmoji, String iconUrl) {
        CreateWebhook {
            ApiSupport.required("name", name);
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/v1/chats/{chatId}/webhooks", this::create),
                Endpoint.get("/api/v1/workspaces/{wsId}/webhooks", this::list),
                Endpoint.post("/api/v1/webhooks/{hookId}/rotate", this::rotate),
                Endpoint.delete("/api/v1/webhooks/{hookId}", this::delete),
                Endpoint.post("/hooks/{token}", this::incoming));
    }

    private WebhookService hooks() {
        return services.webhooks();
    }

    private HttpResponse create(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        CreateWebhook b = body(request, CreateWebhook.class);
        var issued = hooks().create(caller, uuidPath(request, "chatId"), b.name(), b.iconEmoji(), b.iconUrl());
        return ApiSupport.created(new OneWebhook(WebhookView.of(issued.hook(), url(issued.token()))));
    }

    private HttpResponse list(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new Webhooks(hooks().list(caller, uuidPath(request, "wsId")).stream()
                .map(h -> WebhookView.of(h, null)).toList()));
    }

    private HttpResponse rotate(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        var issued = hooks().rotate(caller, uuidPath(request, "hookId"));
        return HttpResponse.ok(new OneWebhook(WebhookView.of(issued.hook(), url(issued.token()))));
    }

    private HttpResponse delete(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        hooks().delete(caller, uuidPath(request, "hookId"));
        return HttpResponse.noContent();
    }

    private String url(String token) {
        String base = publicUrl.get();
        return (base.endsWith("/") ? base : base + "/") + "hooks/" + token;
    }

    /** The Slack-compatible endpoint: never JSON, always Slack's plain-text answers. */
    private HttpResponse incoming(HttpRequest request) {
        Webhook hook;
        try {
            hook = hooks().resolve(request.pathParam("token"));
        } catch (ParleyException e) {
            return e.code() == ErrorCode.NOT_FOUND ? plain(404, "no_service") : slackError(e);
        }
        try {
            IncomingPost post = WebhookPayload.parse(request.header("content-type"), request.body());
            await(hooks().post(hook, post));
            return plain(200, "ok");
        } catch (WebhookPayload.Refused r) {
            return plain(r.status(), r.error());
        } catch (RateLimitedException e) {
            return plain(429, "rate_limited").withHeader("Retry-After", Integer.toString(Math.max(1, e.retryAfterSeconds())));
        } catch (ParleyException e) {
            return slackError(e);
        }
    }

    private static HttpResponse slackError(ParleyException e) {
        return switch (e.code()) {
            case NOT_FOUND -> plain(404, "channel_not_found");
            case FORBIDDEN -> plain(403, "action_prohibited");
            case ARCHIVED -> plain(410, "channel_is_archived");
            case INVALID, MALFORMED, CONTENT_TOO_LONG -> plain(400, "invalid_payload");
            case UNAVAILABLE -> plain(503, "service_unavailable")
                    .withHeader("Retry-After", Integer.toString(e.retryAfterSeconds() == null ? 5 : e.retryAfterSeconds()));
            default -> plain(e.code() == ErrorCode.INTERNAL ? 500 : e.code().httpStatus(), e.code().wire());
        };
    }

    private static HttpResponse plain(int status, String word) {
        return HttpResponse.text(status, "text/plain; charset=utf-8", word);
    }
}
