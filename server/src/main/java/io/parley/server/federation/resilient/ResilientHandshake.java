package io.parley.server.federation.resilient;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.QuotaSettings;
import io.parley.core.pod.ReplicationQuota;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The handshake of a resilient channel with each replica, and the configuration it agrees on (issue 7 §5).
 *
 * <p>The primary (or the acting primary, for the replicas it adds) sends a signed offer: the configuration and the
 * expected volume. The replica checks its own policy (member of the org, designated, its {@link ReplicationQuota})
 * and answers with a reason, or with an ephemeral X25519 key, whose private half it keeps sealed in the store (the key
 * call may reach another node of the pod). The primary then sends the channel key wrapped with HKDF-SHA256 of the
 * shared secret. Both sides record the outcome ({@link ResilientStore.Offer}); failed offers, and replicas that lost
 * their copy, are offered again by {@link #reoffer} once they are usable.
 *
 * <p>Configurations travel on their own too: a newer one (version, then changer) is adopted; one from a pod that does
 * not act as primary at its term is refused ({@link ActingPrimary#mayChange}); a pod no longer designated forgets its
 * copy. A replica without the key answers {@code needs_offer} and is offered the channel again.
 */
final class ResilientHandshake {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final ResilientContext ctx;
    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgStore orgStore;
    private final OrgChannels orgs;
    private final ReplicationQuota quota;
    private final QuotaSettings quotaSettings;
    private final ChannelKeys keys;
    private final ActingPrimary acting;

    ResilientHandshake(ResilientContext ctx, ChannelKeys keys, ActingPrimary acting) {
        this.ctx = ctx;
        this.federation = ctx.federation();
        this.me = ctx.me();
        this.store = ctx.store();
        this.orgStore = ctx.orgStore();
        this.orgs = ctx.orgs();
        this.quota = ctx.quota();
        this.quotaSettings = ctx.quotaSettings();
        this.keys = keys;
        this.acting = acting;
    }

    /** Anti-entropy: a pod that comes back gets the configuration changes this pod made while it was away. */
    void resend(String peer) {
        try {
            for (ResilientStore.Config c : store.configs()) {
                if (c.involves(peer) && c.changedBy().equals(me)) sendConfig(c, peer);
            }
        } catch (RuntimeException e) {
            log.warn("resending resilient configurations to {} failed; the next return of the peer retries", peer, e);
        }
    }

    void handshake(ResilientStore.Config c, String replica) {
        String id = c.orgChannelId();
        long expected = orgStore.channel(id).map(OrgStore.OrgChannel::chatId).map(this::estimateBytes).orElse(0L);
        PodResult r = federation.client().send(replica, ResilientWire.OFFER, new ResilientWire.Offer(ResilientContext.wire(c), expected));
        Instant now = federation.clock().instant();
        if (!(r instanceof PodResult.Ok ok)) {
            String why = r instanceof PodResult.Failed f ? (f.code() != null ? f.code() : f.kind().name().toLowerCase(Locale.ROOT)) : "?";
            store.recordOffer(new ResilientStore.Offer(id, replica, ResilientStore.OfferStatus.FAILED.wire(), why, now));
            log.warn("resilient channel {}: offer to {} failed ({}); the admin may retry with PUT", id, replica, why);
            return;
        }
        ResilientWire.OfferReply reply = ok.json(ResilientWire.OfferReply.class);
        if (!reply.accepted()) {
            store.recordOffer(new ResilientStore.Offer(id, replica, ResilientStore.OfferStatus.REFUSED.wire(), reply.reason(), now));
            log.warn("resilient channel {}: pod {} refused to replicate it: {}", id, replica, reply.reason());
            return;
        }
        byte[] channelKey = keys.key(id).orElseThrow();
        KeyPair mine = ResilientCrypto.x25519();
        byte[] salt = ResilientCrypto.random(16);
        byte[] kek;
        try {
            kek = ResilientCrypto.wrappingKey(mine.getPrivate(), ResilientCrypto.publicOf(reply.x25519()), salt, id + "\n" + me + "\n" + replica);
        } catch (IllegalArgumentException e) {
            store.recordOffer(new ResilientStore.Offer(id, replica, ResilientStore.OfferStatus.FAILED.wire(), "bad_exchange_key", now));
            return;
        }
        byte[] wrapped = ResilientCrypto.seal(kek, channelKey, id);
        PodResult k = federation.client().send(replica, ResilientWire.KEY, new ResilientWire.KeyCall(id,
                ResilientCrypto.publicText(mine.getPublic()), Ed25519.b64(salt), Ed25519.b64(wrapped)));
        boolean done = k instanceof PodResult.Ok;
        store.recordOffer(new ResilientStore.Offer(id, replica, (done ? ResilientStore.OfferStatus.ACCEPTED : ResilientStore.OfferStatus.FAILED).wire(), done ? null : "key_not_taken", now));
        if (done) store.resetCursor(id, replica); // a replica that accepts holds nothing yet (or lost what it held)
        if (done) log.info("resilient channel {}: pod {} accepted to replicate it and holds its key", id, replica);
    }

    private long estimateBytes(UUID chatId) {
        long n = 0;
        for (OrgStore.MessageRow m : orgStore.messages(chatId)) n += 200 + (m.content() == null ? 0 : m.content().length());
        return n;
    }

    ResilientWire.OfferReply onOffer(String from, ResilientWire.Offer offer) {
        ResilientWire.Config w = offer.config();
        if (w == null || w.orgChannelId() == null || w.primary() == null || w.replicas() == null || w.orgId() == null) {
            throw ParleyException.invalid("config {orgChannelId, orgId, primary, replicas} is required");
        }
        String id = w.orgChannelId();
        Instant now = federation.clock().instant();
        String refusal = null;
        Optional<OrgStore.OrgChannel> ch = orgStore.channel(id);
        List<String> members = orgStore.members(w.orgId());
        if (ch.isEmpty() || !ch.get().orgId().equals(w.orgId())) refusal = "unknown_org_channel";
        else if (!members.contains(me) || !members.contains(from)) refusal = "not_org_member";
        else if (!w.replicas().contains(me)) refusal = "not_designated";
        else if (!from.equals(w.primary()) && !from.equals(w.changedBy())) refusal = "not_primary";
        else if (!ResilientChannels.CLASS_MESSAGES.equals(w.replicationClass())) refusal = "unsupported_class";
        else if (quota.usage().replicatedBytes() + Math.max(0, offer.expectedBytes()) > quotaSettings.maxReplicatedBytes()) {
            refusal = "quota:replicated_bytes";
            ctx.throttled("replica", "replicated_bytes");
        } else if (!quota.addResilientChannel(id)) {
            refusal = "quota:resilient_channels";
            ctx.throttled("replica", "resilient_channels");
        }
        if (refusal != null) {
            store.recordOffer(new ResilientStore.Offer(id, from, ResilientStore.OfferStatus.REFUSED.wire(), refusal, now));
            log.warn("resilient channel {}: refused the offer of pod {}: {} ({})", id, from, refusal, federation.health().health(from));
            return new ResilientWire.OfferReply(false, refusal, null);
        }
        adopt(w);
        KeyPair pair = ResilientCrypto.x25519();
        // Kept in the store, sealed: the primary's key call may reach another node of this pod.
        store.savePendingExchange(id, Ed25519.b64(ResilientCrypto.seal(keys.kek(), pair.getPrivate().getEncoded(), "resilient-exchange\n" + id)), now);
        store.recordOffer(new ResilientStore.Offer(id, from, ResilientStore.OfferStatus.ACCEPTED.wire(), "awaiting key", now));
        log.info("resilient channel {}: accepted to replicate it for pod {}", id, from);
        return new ResilientWire.OfferReply(true, null, ResilientCrypto.publicText(pair.getPublic()));
    }

    ResilientWire.Ack onKey(String from, ResilientWire.KeyCall call) {
        ResilientStore.Config c = ctx.designatedConfig(call.orgChannelId(), from, true);
        Optional<String> pending = store.takePendingExchange(c.orgChannelId());
        if (pending.isEmpty()) throw ParleyException.invalid("no key exchange is pending for this channel; offer it again");
        PrivateKey mine;
        try {
            mine = ResilientCrypto.privateOf(ResilientCrypto.open(keys.kek(), Ed25519.unb64(pending.get()), "resilient-exchange\n" + c.orgChannelId()));
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("the pending key exchange does not open with this pod's key; offer it again");
        }
        byte[] key;
        try {
            byte[] kek = ResilientCrypto.wrappingKey(mine, ResilientCrypto.publicOf(call.x25519()), Ed25519.unb64(call.salt()),
                    c.orgChannelId() + "\n" + from + "\n" + me);
            key = ResilientCrypto.open(kek, Ed25519.unb64(call.wrapped()), c.orgChannelId());
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("the wrapped key does not open");
        }
        if (key.length != 32) throw ParleyException.invalid("the channel key must be 32 bytes");
        keys.saveKey(c.orgChannelId(), key);
        store.recordOffer(new ResilientStore.Offer(c.orgChannelId(), from, ResilientStore.OfferStatus.ACCEPTED.wire(), null, federation.clock().instant()));
        return new ResilientWire.Ack("ok");
    }

    /** Takes a configuration sent by another pod if it is newer (version, then changer). */
    private void adopt(ResilientWire.Config w) {
        Optional<ResilientStore.Config> mine = store.config(w.orgChannelId());
        if (mine.isPresent() && (mine.get().version() > w.version()
                || (mine.get().version() == w.version() && mine.get().changedBy().compareTo(w.changedBy()) >= 0))) return;
        store.saveConfig(new ResilientStore.Config(w.orgChannelId(), w.orgId(), w.primary(), w.replicas(), w.replicationClass(),
                w.postingWhilePrimaryDown(), w.topic(), w.version(), w.changedBy(), w.term(), w.acks(), federation.clock().instant()));
        orgs.adoptTopic(w.orgChannelId(), w.topic());
        if (!w.replicas().contains(me) && !w.primary().equals(me)) forget(w.orgChannelId());
    }

    ResilientWire.Ack onConfig(String from, ResilientWire.Config w) {
        if (w == null || w.orgChannelId() == null || w.primary() == null || w.replicas() == null || w.changedBy() == null) {
            throw ParleyException.invalid("orgChannelId, primary, replicas and changedBy are required");
        }
        if (!from.equals(w.changedBy())) throw ParleyException.forbidden("a configuration comes from the pod that changed it");
        Optional<ResilientStore.Config> mine = store.config(w.orgChannelId());
        if (mine.isEmpty() && !w.replicas().contains(me) && !w.primary().equals(me)) {
            ctx.count("parley_pod_replica_refused", "reason", "not_designated");
            throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not designated for '" + w.orgChannelId() + "'");
        }
        if (mine.isPresent() && !mine.get().involves(from)) throw new ParleyException(ErrorCode.NOT_PRIMARY, "pod '" + from + "' is not in the replica set");
        boolean fromPrimary = from.equals(mine.map(ResilientStore.Config::primary).orElse(w.primary()));
        boolean ok = acting.mayChange(w.orgChannelId(), from, fromPrimary, w.term());
        if (!ok) {
            log.warn("resilient channel {}: refused a configuration change from {} at term {} (fenced)", w.orgChannelId(), from, w.term());
            throw new ParleyException(ErrorCode.NOT_PRIMARY, "pod '" + from + "' does not act as primary at term " + w.term());
        }
        adopt(w);
        // A designated replica without the key (it lost its storage) asks to be offered the channel again.
        boolean needsOffer = w.replicas().contains(me) && keys.key(w.orgChannelId()).isEmpty() && !store.hasPendingExchange(w.orgChannelId());
        return new ResilientWire.Ack(needsOffer ? "needs_offer" : "ok");
    }

    /** Sends the configuration to a pod and offers the channel again if it says it lost it. */
    void sendConfig(ResilientStore.Config c, String pod) {
        PodResult r = federation.client().send(pod, ResilientWire.CONFIG, ResilientContext.wire(c));
        if (r instanceof PodResult.Ok ok && "needs_offer".equals(ok.json(ResilientWire.Ack.class).status()) && keys.key(c.orgChannelId()).isPresent()) {
            log.info("resilient channel {}: pod {} lost its replica; offering it again", c.orgChannelId(), pod);
            handshake(c, pod);
        }
    }

    ResilientWire.Ack onRevoke(String from, ResilientWire.Revoke r) {
        ResilientStore.Config c = ctx.designatedConfig(r.orgChannelId(), from, false);
        if (!from.equals(acting.actingPod(c)) && !from.equals(c.primary())) throw new ParleyException(ErrorCode.NOT_PRIMARY, "only the acting primary turns replication off");
        forget(c.orgChannelId());
        log.info("resilient channel {}: replication turned off by pod {}; the local copy is gone", c.orgChannelId(), from);
        return new ResilientWire.Ack("ok");
    }

    void forget(String id) {
        store.forget(id);
        keys.forget(id);
        quota.removeResilientChannel(id);
        ctx.refreshAcks(); // posts waiting for its replicas are acked now
    }

    /**
     * Offers the channel again to replicas whose handshake failed (unreachable) or that answered {@code not_designated}
     * (they lost their copy), once they are usable, at most every {@link ResilientChannels#REOFFER}: missing replicas are recreated.
     * Refusals by policy (quota, membership) wait for the admin.
     */
    void reoffer(ResilientStore.Config c) {
        String id = c.orgChannelId();
        if (keys.key(id).isEmpty()) return;
        for (ResilientStore.Offer o : store.offers(id)) {
            if (!c.replicas().contains(o.pod())) continue;
            boolean retry = ResilientStore.OfferStatus.FAILED.is(o.status())
                    || (ResilientStore.OfferStatus.REFUSED.is(o.status()) && "not_designated".equals(o.reason()));
            if (!retry || !federation.health().usable(o.pod())) continue;
            if (federation.clock().instant().isBefore(o.at().plus(ResilientChannels.REOFFER))) continue;
            log.info("resilient channel {}: offering it again to pod {} (last: {} {})", id, o.pod(), o.status(), o.reason());
            handshake(c, o.pod());
        }
    }
}
