package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.federation.link.Peering;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;

import java.time.Duration;
import java.util.List;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.body;

/**
 * Pod links (issue 7), for the pod's admins: invitations, linking by invitation, the peers with their health,
 * unlinking, score overrides. The checks and the handshake are in {@link Peering}.
 */
final class PodAdminRoutes implements Routes {
    /** {@code POST /api/v1/admin/pod/invitations}: how long the invitation holds (default one day, at most seven). */
    record CreateInvitation(Long expiresIn) {}

    /** {@code POST /api/v1/admin/pod/peers}: another pod's invitation. */
    record AcceptInvitation(String invitation) {}

    /** {@code PUT /api/v1/admin/pod/peers/{podId}/override}: a fixed score 0–100, or null to clear. */
    record ScoreOverride(Integer score) {}

    record InvitationReply(String invitation, java.time.Instant expiresAt) {}

    record PeerReply(Peering.PeerView peer) {}

    record PeersReply(List<Peering.PeerView> peers) {}

    private final Services services;
    private final Peering peering;

    /** @param peering the pod layer, or null when it is not wired (the routes then answer 503) */
    PodAdminRoutes(Services services, Peering peering) {
        this.services = services;
        this.peering = peering;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/api/v1/admin/pod/invitations", this::invite),
                Endpoint.get("/api/v1/admin/pod/peers", this::list),
                Endpoint.post("/api/v1/admin/pod/peers", this::accept),
                Endpoint.delete("/api/v1/admin/pod/peers/{podId}", this::unlink),
                Endpoint.put("/api/v1/admin/pod/peers/{podId}/override", this::override));
    }

    private Peering peering() {
        if (peering == null) throw ParleyException.unavailable("pod links are not available on this server", 60, null);
        return peering;
    }

    private HttpResponse invite(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        CreateInvitation b = request.body() == null || request.body().length == 0 ? new CreateInvitation(null)
                : body(request, CreateInvitation.class);
        Duration ttl = b.expiresIn() == null ? null : Duration.ofSeconds(b.expiresIn());
        Peering.Created c = peering().invite(caller, ttl);
        return ApiSupport.created(new InvitationReply(c.invitation(), c.expiresAt()));
    }

    private HttpResponse list(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new PeersReply(peering().list(caller)));
    }

    private HttpResponse accept(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        AcceptInvitation b = body(request, AcceptInvitation.class);
        return ApiSupport.created(new PeerReply(peering().accept(caller, ApiSupport.required("invitation", b.invitation()))));
    }

    private HttpResponse unlink(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        peering().unlink(caller, request.pathParam("podId"));
        return HttpResponse.noContent();
    }

    private HttpResponse override(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        ScoreOverride b = body(request, ScoreOverride.class);
        return HttpResponse.ok(new PeerReply(peering().override(caller, request.pathParam("podId"), b.score())));
    }
}
