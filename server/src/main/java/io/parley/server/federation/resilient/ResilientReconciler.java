package io.parley.server.federation.resilient;

import io.parley.core.error.ParleyException;
import io.parley.core.pod.Candidate;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reconciliation of a resilient channel on an admin's demand (issue 7 §5): this pod's copy is compared with every
 * other pod of the replica set that maps the channel, message by message ({@code ChannelReplica.messageDigests});
 * where two differ, both send each other their own ops again (each resets its org outbox cursor for the other).
 * Applying is idempotent and commutative, so resending everything is safe and the merge fixes what either lacked.
 */
final class ResilientReconciler {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final ResilientContext ctx;
    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgChannels orgs;
    private final ResilientHandshake handshake;

    ResilientReconciler(ResilientContext ctx, ResilientHandshake handshake) {
        this.ctx = ctx;
        this.federation = ctx.federation();
        this.me = ctx.me();
        this.store = ctx.store();
        this.orgs = ctx.orgs();
        this.handshake = handshake;
    }

    private Map<String, String> messageDigests(OrgStore.OrgChannel ch) {
        Map<String, String> out = new java.util.TreeMap<>();
        orgs.replicaOf(ch).messageDigests().forEach((k, v) -> out.put(k.originPod() + "/" + k.messageId(), v));
        return out;
    }

    /**
     * Compares this pod's copy with every other pod of the replica set that maps the channel, message by message
     * ({@code ChannelReplica.messageDigests}); where they differ both sides send each other their own ops again
     * (each resets its outbox cursor for the other; applying is idempotent and commutative, so resending
     * everything is safe and the merge fixes what either lacked).
     */
    ResilientChannels.Reconciled reconcile(String id) {
        OrgStore.OrgChannel ch = ctx.orgChannel(id);
        if (ch.chatId() == null) throw ParleyException.invalid("the org channel is not mapped on this pod");
        ResilientStore.Config c = store.config(id).orElseThrow(() -> ParleyException.notFound("the channel is not resilient"));
        Map<String, String> mine = messageDigests(ch);
        List<ResilientChannels.Comparison> out = new ArrayList<>();
        for (Candidate cand : ActingPrimary.candidates(c)) {
            String pod = cand.pod();
            if (pod.equals(me)) continue;
            // A pod that lost its copy of the configuration (a wiped pod) gets it again from whoever made the last change.
            if (c.changedBy().equals(me)) handshake.sendConfig(c, pod);
            PodResult r = federation.client().send(pod, ResilientWire.DIGESTS, new ResilientWire.DigestsCall(id));
            if (!(r instanceof PodResult.Ok ok)) {
                out.add(new ResilientChannels.Comparison(pod, "failed", 0, 0, 0));
                continue;
            }
            ResilientWire.DigestsReply theirs = ok.json(ResilientWire.DigestsReply.class);
            if (theirs.digest() == null) {
                out.add(new ResilientChannels.Comparison(pod, "not_mapped", 0, 0, 0));
                continue;
            }
            Map<String, String> other = theirs.messages() == null ? Map.of() : theirs.messages();
            int differing = 0, onlyHere = 0, onlyThere = 0;
            for (var e : mine.entrySet()) {
                String o = other.get(e.getKey());
                if (o == null) onlyHere++;
                else if (!o.equals(e.getValue())) differing++;
            }
            for (String k : other.keySet()) if (!mine.containsKey(k)) onlyThere++;
            if (differing + onlyHere + onlyThere == 0) {
                out.add(new ResilientChannels.Comparison(pod, "equal", 0, 0, 0));
                continue;
            }
            log.info("resilient channel {}: {} and {} differ on {} messages ({} only here, {} only there); both resend their ops",
                    id, me, pod, differing + onlyHere + onlyThere, onlyHere, onlyThere);
            store.resetOrgCursor(pod, id);
            orgs.wake(pod);
            federation.client().sendAsync(pod, ResilientWire.RESEND, new ResilientWire.Resend(id));
            out.add(new ResilientChannels.Comparison(pod, "differs", differing, onlyHere, onlyThere));
        }
        return new ResilientChannels.Reconciled(id, orgs.replicaOf(ch).digest(), out);
    }

    ResilientWire.DigestsReply onDigests(String from, ResilientWire.DigestsCall call) {
        ctx.designatedConfig(call.orgChannelId(), from, false);
        OrgStore.OrgChannel ch = ctx.orgChannel(call.orgChannelId());
        if (ch.chatId() == null) return new ResilientWire.DigestsReply(null, Map.of());
        return new ResilientWire.DigestsReply(orgs.replicaOf(ch).digest(), messageDigests(ch));
    }

    ResilientWire.Ack onResend(String from, ResilientWire.Resend call) {
        ctx.designatedConfig(call.orgChannelId(), from, false);
        OrgStore.OrgChannel ch = ctx.orgChannel(call.orgChannelId());
        if (ch.chatId() == null) return new ResilientWire.Ack("not_mapped");
        store.resetOrgCursor(from, ch.id());
        orgs.wake(from);
        log.info("resilient channel {}: resending this pod's ops to {} (reconciliation)", ch.id(), from);
        return new ResilientWire.Ack("ok");
    }
}
