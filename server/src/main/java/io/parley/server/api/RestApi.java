package io.parley.server.api;

import io.parley.core.notify.PreferenceService;
import io.parley.core.notify.UnreadStore;
import io.parley.server.app.Services;
import io.parley.server.http.Router;
import io.parley.server.push.PushSubscriptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The REST API under {@code /api/v1}: every route, grouped by resource. Build once with the services
 * and {@link #register} it on the server's router; errors are left to the server, which turns a
 * {@link io.parley.core.error.ParleyException} into a JSON error and anything else into a 500.
 */
public final class RestApi {
    private final List<Endpoint> endpoints;

    /** The API without Web Push: its routes are listed (for the OpenAPI check) but answer 503. */
    public RestApi(Services services) {
        this(services, null, null, null, () -> "http://localhost/", null, null);
    }

    /**
     * With the push subscriptions, the notification services (preferences, unread summary) and the server's
     * public URL (webhook URLs are built on it; known once the server is bound).
     */
    public RestApi(Services services, PushSubscriptions push, PreferenceService prefs, UnreadStore unread,
                   java.util.function.Supplier<String> publicUrl, io.parley.server.federation.link.Peering peering) {
        this(services, push, prefs, unread, publicUrl, peering, null);
    }

    /** With org-shared channels ({@code orgs}, or null when they are not wired: their routes answer 503). */
    public RestApi(Services services, PushSubscriptions push, PreferenceService prefs, UnreadStore unread,
                   java.util.function.Supplier<String> publicUrl, io.parley.server.federation.link.Peering peering,
                   io.parley.server.federation.org.OrgChannels orgs) {
        this(services, push, prefs, unread, publicUrl, peering, orgs, null);
    }

    /** With resilient channels ({@code resilient}, or null when they are not wired: their routes answer 503). */
    public RestApi(Services services, PushSubscriptions push, PreferenceService prefs, UnreadStore unread,
                   java.util.function.Supplier<String> publicUrl, io.parley.server.federation.link.Peering peering,
                   io.parley.server.federation.org.OrgChannels orgs, io.parley.server.federation.resilient.ResilientChannels resilient) {
        List<Routes> groups = List.of(
                new AuthRoutes(services),
                new UserRoutes(services, orgs),
                new WorkspaceRoutes(services),
                new AdminRoutes(services),
                new PodAdminRoutes(services, peering),
                new OrgRoutes(services, orgs),
                new ResilientRoutes(services, resilient),
                new ChannelRoutes(services),
                new DmRoutes(services),
                new MessageRoutes(services, orgs),
                new FileRoutes(services, orgs),
                new WebhookRoutes(services, publicUrl),
                new SearchRoutes(services),
                new PushRoutes(services, push),
                new NotificationRoutes(services, prefs, unread));
        List<Endpoint> all = new ArrayList<>();
        for (Routes g : groups) all.addAll(g.endpoints());
        all.add(new OpenApi().endpoint());
        this.endpoints = List.copyOf(all);
    }

    /** {@return every endpoint, the OpenAPI document's included, in registration order} */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Adds every route to the router. */
    public void register(Router router) {
        for (Endpoint e : endpoints()) router.add(e.method(), e.pattern(), e.handler(), e.streaming());
    }
}
