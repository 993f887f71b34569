package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.push.PushSubscription;
import io.parley.server.push.PushSubscriptions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;
import static io.parley.server.api.ApiSupport.required;

/**
 * Web Push subscriptions of the caller's browsers, and the server's VAPID public key that a browser needs to
 * subscribe. The request body is the browser's {@code PushSubscription.toJSON()} as is.
 */
final class PushRoutes implements Routes {
    private final Services services;
    private final PushSubscriptions push;

    /** @param push the subscriptions, or null when push is not wired (the routes then answer 503) */
    PushRoutes(Services services, PushSubscriptions push) {
        this.services = services;
        this.push = push;
    }

    /** {@code PushSubscription.toJSON()}: {@code {endpoint, expirationTime, keys: {p256dh, auth}}}. */
    record Subscribe(String endpoint, Long expirationTime, Keys keys) {
        Subscribe {
            required("endpoint", endpoint);
            required("keys", keys);
        }
    }

    record Keys(String p256dh, String auth) {
        Keys {
            required("keys.p256dh", p256dh);
            required("keys.auth", auth);
        }
    }

    /** A subscription as its owner sees it; the keys are not echoed. */
    record SubscriptionView(UUID id, String endpoint, Instant expiresAt, Instant createdAt) {
        static SubscriptionView of(PushSubscription s) {
            return new SubscriptionView(s.id(), s.endpoint(), s.expiresAt(), s.createdAt());
        }
    }

    record OneSubscription(SubscriptionView subscription) {}

    record Subscriptions(List<SubscriptionView> subscriptions) {}

    record VapidKey(String publicKey) {}

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/api/v1/push/vapid-public-key", this::vapidKey),
                Endpoint.get("/api/v1/push/subscriptions", this::list),
                Endpoint.post("/api/v1/push/subscriptions", this::subscribe),
                Endpoint.delete("/api/v1/push/subscriptions/{subscriptionId}", this::unsubscribe));
    }

    private PushSubscriptions push() {
        if (push == null) throw ParleyException.unavailable("web push is not available on this server", 60, null);
        return push;
    }

    private HttpResponse vapidKey(HttpRequest request) {
        authenticate(services.auth(), request);
        return HttpResponse.ok(new VapidKey(push().applicationServerKey()));
    }

    private HttpResponse list(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new Subscriptions(push().of(caller.userId()).stream().map(SubscriptionView::of).toList()));
    }

    private HttpResponse subscribe(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Subscribe b = body(request, Subscribe.class);
        PushSubscription s = push().subscribe(caller.userId(), b.endpoint(), b.keys().p256dh(), b.keys().auth(), b.expirationTime());
        return ApiSupport.created(new OneSubscription(SubscriptionView.of(s)));
    }

    private HttpResponse unsubscribe(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID id = ApiSupport.uuidPath(request, "subscriptionId");
        push().unsubscribe(caller.userId(), id);
        return HttpResponse.noContent();
    }
}
