package io.parley.server.api;

import io.parley.server.http.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * The REST API under {@code /api/v1}: every route, grouped by resource. Build once with the services
 * and {@link #register} it on the server's router; errors are left to the server, which turns a
 * {@link io.parley.core.error.ParleyException} into a JSON error and anything else into a 500.
 */
public final class RestApi {
    private final List<Routes> groups;
    private final OpenApi openApi = new OpenApi();

    public RestApi(Services services) {
        this.groups = List.of(
                new AuthRoutes(services),
                new UserRoutes(services),
                new WorkspaceRoutes(services),
                new AdminRoutes(services),
                new ChannelRoutes(services),
                new DmRoutes(services),
                new MessageRoutes(services));
    }

    /** {@return every endpoint, the OpenAPI document's included, in registration order} */
    public List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>();
        for (Routes g : groups) all.addAll(g.endpoints());
        all.add(openApi.endpoint());
        return List.copyOf(all);
    }

    /** Adds every route to the router. */
    public void register(Router router) {
        for (Endpoint e : endpoints()) router.add(e.method(), e.pattern(), e.handler());
    }
}
