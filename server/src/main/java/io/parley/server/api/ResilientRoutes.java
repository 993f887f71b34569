package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.federation.resilient.ResilientChannels;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;

import java.util.List;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;

/** Resilient channels (issue 7 §5): the pod admins' API. The checks are in {@link ResilientChannels}. */
final class ResilientRoutes implements Routes {
    record Configure(List<String> replicas, String replicationClass, Boolean postingWhilePrimaryDown, String topic, Integer ackAfterReplicas,
                     Long ackTimeoutMs, String onReplicaTimeout) {}

    record Restore(String from) {}

    record ResilienceReply(ResilientChannels.View resilience) {}

    private final Services services;
    private final ResilientChannels resilient;

    /** @param resilient the layer, or null when it is not wired (the routes then answer 503) */
    ResilientRoutes(Services services, ResilientChannels resilient) {
        this.services = services;
        this.resilient = resilient;
    }

    @Override
    public List<Endpoint> endpoints() {
        String base = "/api/v1/admin/pod/org-channels/{orgChannelId}";
        return List.of(
                Endpoint.put(base + "/resilience", this::configure),
                Endpoint.get(base + "/resilience", this::get),
                Endpoint.delete(base + "/resilience", this::disable),
                Endpoint.get(base + "/replica", this::replica),
                Endpoint.post(base + "/restore", this::restore),
                Endpoint.post(base + "/reconcile", this::reconcile));
    }

    private ResilientChannels resilient() {
        if (resilient == null) throw ParleyException.unavailable("resilient channels are not available on this server", 60, null);
        return resilient;
    }

    private HttpResponse configure(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Configure b = body(request, Configure.class);
        return HttpResponse.ok(new ResilienceReply(resilient().configure(caller, request.pathParam("orgChannelId"),
                new ResilientChannels.Change(b.replicas(), b.replicationClass(), b.postingWhilePrimaryDown(), b.topic(), b.ackAfterReplicas(),
                        b.ackTimeoutMs(), b.onReplicaTimeout()))));
    }

    private HttpResponse get(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new ResilienceReply(resilient().get(caller, request.pathParam("orgChannelId"))));
    }

    private HttpResponse disable(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        resilient().disable(caller, request.pathParam("orgChannelId"));
        return HttpResponse.noContent();
    }

    private HttpResponse replica(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(resilient().replica(caller, request.pathParam("orgChannelId")));
    }

    private HttpResponse reconcile(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(resilient().reconcile(caller, request.pathParam("orgChannelId")));
    }

    private HttpResponse restore(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        Restore b = request.body().length == 0 ? new Restore(null) : body(request, Restore.class);
        return HttpResponse.ok(resilient().restore(caller, request.pathParam("orgChannelId"), b.from()));
    }
}
