package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.search.SearchRequests;
import io.parley.core.search.SearchService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.SearchResultsView;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.intQuery;
import static io.parley.server.api.ApiSupport.uuidPath;
import static io.parley.server.api.ApiSupport.uuidQuery;

/** Search: messages, people and channels of a workspace, with the query syntax of docs/api.md. */
final class SearchRoutes implements Routes {
    private final Services services;

    SearchRoutes(Services services) {
        this.services = services;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.get("/api/v1/workspaces/{wsId}/search", this::search));
    }

    private HttpResponse search(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        var results = services.search().search(caller.userId(), wsId, request.queryParam("q"),
                SearchRequests.scope(request.queryParam("scope")), uuidQuery(request, "chatId"), SearchRequests.recency(request.queryParam("sort")),
                request.queryParam("cursor"), intQuery(request, "limit", 1, SearchService.MAX_LIMIT, 20), SearchRequests.zone(request.queryParam("tz")));
        return HttpResponse.ok(SearchResultsView.of(results));
    }
}
