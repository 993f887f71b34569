package io.parley.server.federation.org;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.HealthManager;
import io.parley.server.federation.link.Peer;
import io.parley.server.federation.link.PeerDirectory;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.link.PodRoutes;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Passing an org envelope on for another member (issue 7 §4): a pod that cannot reach a peer directly asks a third
 * member to relay. Both ends must be members of the org, and the recipient linked here and usable; the envelope goes
 * on unchanged to {@link OrgWire#RELAYED}, where the recipient verifies the origin's signature (a relay can neither
 * forge nor alter a batch), and the recipient's answer comes back to the sender, waited for at most
 * {@link #RELAY_DEADLINE}.
 */
final class OrgRelay {
    private static final Duration RELAY_DEADLINE = Duration.ofSeconds(10);

    private final String me;
    private final OrgDirectory store;
    private final PeerDirectory peers;
    private final PodClient client;
    private final HealthManager health;

    OrgRelay(String me, OrgDirectory store, PeerDirectory peers, PodClient client, HealthManager health) {
        this.me = me;
        this.store = store;
        this.peers = peers;
        this.client = client;
        this.health = health;
    }

    void register(PodRoutes routes) {
        routes.handle(OrgWire.RELAY, OrgWire.RelayCall.class, (from, call) -> PodReply.ok(relay(from, call)));
    }

    /** Another member asks this pod to pass an envelope on: both ends must be members of the org and linked here. */
    private OrgWire.RelayAnswer relay(String from, OrgWire.RelayCall call) {
        if (call.orgId() == null || call.to() == null || call.envelope() == null) throw ParleyException.invalid("orgId, to and envelope are required");
        if (store.org(call.orgId()).isEmpty()) throw new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org '" + call.orgId() + "' here");
        List<String> members = store.members(call.orgId());
        if (!members.contains(from) || !members.contains(call.to())) {
            throw ParleyException.forbidden("relaying is only between members of the org");
        }
        if (call.to().equals(me)) throw ParleyException.invalid("to names this pod; send to " + OrgWire.EVENTS);
        if (peers.find(call.to()).isEmpty()) return new OrgWire.RelayAnswer(false, "not_linked", null);
        if (!health.usable(call.to())) return new OrgWire.RelayAnswer(false, "unreachable", null);
        Peer to = peers.find(call.to()).orElseThrow();
        PodResult r = client.sendAsync(to.address(), OrgWire.RELAYED, PodClient.json(new OrgWire.Delivery(call.orgId(), call.envelope())),
                RELAY_DEADLINE, new PodClient.Report(to.id(), PodClient.DIRECT)).join();
        return switch (r) {
            case PodResult.Ok ok -> new OrgWire.RelayAnswer(true, null, ok.json(OrgWire.BatchReply.class));
            case PodResult.Failed f -> new OrgWire.RelayAnswer(false, f.code() != null ? f.code() : f.kind().name().toLowerCase(Locale.ROOT), null);
        };
    }
}
