package io.parley.server.federation.resilient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.QuotaSettings;
import io.parley.core.pod.ReplicationQuota;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodSettings;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the parts of a resilient channel share (issue 17 §1): this pod, its stores and org channels, the replication
 * quota, the metrics, and the few checks every part makes of an incoming call. No state of its own but the counters.
 */
final class ResilientContext {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final Federation federation;
    private final String me;
    private final ResilientStore store;
    private final OrgStore orgStore;
    private final OrgChannels orgs;
    private final ReplicationQuota quota;
    private final QuotaSettings quotaSettings;
    private final ReplicaAcks acks;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ResilientContext(Federation federation, ResilientStore store, OrgStore orgStore, OrgChannels orgs, ReplicaAcks acks,
                     MeterRegistry registry) {
        this.federation = federation;
        this.me = federation.identity().id();
        this.store = store;
        this.orgStore = orgStore;
        this.orgs = orgs;
        this.acks = acks;
        this.registry = registry;
        PodSettings s = federation.settings();
        this.quotaSettings = new QuotaSettings(s.maxResilientChannels(), s.maxReplicatedBytes(), s.replicationRate(),
                Math.max(s.replicationRate(), s.replicationRate() * 8), Duration.ofMinutes(1));
        this.quota = new ReplicationQuota(quotaSettings, federation.clock(), (kind, detail) -> { });
    }

    Federation federation() { return federation; }
    String me() { return me; }
    ResilientStore store() { return store; }
    OrgStore orgStore() { return orgStore; }
    OrgChannels orgs() { return orgs; }
    ReplicationQuota quota() { return quota; }
    QuotaSettings quotaSettings() { return quotaSettings; }
    ReplicaAcks acks() { return acks; }

    void count(String name, String tagKey, String tagValue) {
        count(name, tagKey, tagValue, 1);
    }

    void count(String name, String tagKey, String tagValue, double amount) {
        counters.computeIfAbsent(name + "|" + tagKey + "|" + tagValue, k -> Counter.builder(name).tag(tagKey, tagValue).register(registry))
                .increment(amount);
    }

    /** Counts ops of this node's replica feed that a replica applied (per node: on a scaled-out pod one node feeds). */
    void fed(String replica, int ops) {
        count("parley_pod_replica_feed_ops", "replica", replica, ops);
    }

    void throttled(String side, String kind) {
        count("parley_pod_replication_throttled", "kind", side + ":" + kind);
    }

    OrgStore.OrgChannel orgChannel(String id) {
        return orgStore.channel(id).orElseThrow(() -> new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org channel '" + id + "'"));
    }

    /** {@link #refreshAcks(List)} over the stored configurations. */
    void refreshAcks() {
        refreshAcks(store.configs());
    }

    /** Tells {@link ReplicaAcks} which local chats' posts wait for replicas: those of channels this pod is the primary of. */
    void refreshAcks(List<ResilientStore.Config> configs) {
        Map<UUID, ReplicaAcks.Policy> byChat = new HashMap<>();
        for (ResilientStore.Config c : configs) {
            if (!c.primary().equals(me) || c.acks().afterReplicas() <= 0) continue;
            orgStore.channel(c.orgChannelId()).map(OrgStore.OrgChannel::chatId)
                    .ifPresent(chat -> byChat.put(chat, new ReplicaAcks.Policy(c.orgChannelId(), c.replicas(), c.acks())));
        }
        acks.policies(byChat);
    }

    static ResilientWire.Config wire(ResilientStore.Config c) {
        return new ResilientWire.Config(c.orgChannelId(), c.orgId(), c.primary(), c.replicas(), c.replicationClass(), c.postingWhilePrimaryDown(),
                c.topic(), c.version(), c.changedBy(), c.term(), c.acks().afterReplicas(), c.acks().timeoutMs(), c.acks().onTimeout());
    }

    /**
     * {@return the channel's configuration if this pod is designated for it (a replica, or the primary when
     * {@code replicaOnly} is false) and the sender takes part in it} @throws ParleyException NOT_DESIGNATED otherwise
     */
    ResilientStore.Config designatedConfig(String id, String from, boolean replicaOnly) {
        if (id == null) throw ParleyException.invalid("orgChannelId is required");
        Optional<ResilientStore.Config> c = store.config(id);
        boolean designated = c.isPresent() && (c.get().replicas().contains(me) || (!replicaOnly && c.get().primary().equals(me)));
        if (!designated || !c.get().involves(from)) {
            count("parley_pod_replica_refused", "reason", "not_designated");
            log.warn("pod {} sent replicated data of {}, which this pod is not designated for; refused", from, id);
            throw new ParleyException(ErrorCode.NOT_DESIGNATED, "this pod is not a designated replica of '" + id + "' for pod '" + from + "'");
        }
        return c.get();
    }
}
