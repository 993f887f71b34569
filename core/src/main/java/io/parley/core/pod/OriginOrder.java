package io.parley.core.pod;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The order in which one pod's log holds each origin's messages of a replicated channel: for every origin pod, the
 * ids of its messages as they follow each other in this pod's log. A pod's log must hold each origin's ops in the
 * origin's order (ARCHITECTURE.md, "Pods keep per-origin order"), so two pods that hold the same messages hold them in
 * the same order per origin and compute the same {@link #digest()}, however they interleave the origins with each
 * other (each pod appends what reaches it when it arrives). {@link ChannelReplica}'s digest is blind to order by
 * design — its state is a join — so it cannot see a log whose blocks of one origin were swapped; this one does.
 *
 * <p>What to feed it is the caller's choice of what must keep its order; the org layer feeds top-level messages (the
 * channel's history), in local log order. Not thread-safe: build it, then read it.
 */
public final class OriginOrder {
    private final String channelId;
    private final Map<String, List<UUID>> byOrigin = new TreeMap<>();

    /** An empty order of the channel with this org-wide id. */
    public OriginOrder(String channelId) {
        if (channelId == null || channelId.isBlank()) throw new IllegalArgumentException("channelId is required");
        this.channelId = channelId;
    }

    /** Appends the next message of the log (call in the log's order). */
    public void append(MessageKey message) {
        byOrigin.computeIfAbsent(message.originPod(), k -> new ArrayList<>()).add(message.messageId());
    }

    /** {@return each origin's message ids in this log's order, by origin pod} */
    public Map<String, List<UUID>> byOrigin() {
        Map<String, List<UUID>> out = new TreeMap<>();
        byOrigin.forEach((pod, ids) -> out.put(pod, List.copyOf(ids)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * {@return SHA-256, in hex, of the channel id and, origin by origin (sorted by pod id), the origin, how many messages
     * it has and their ids in this log's order} Equal on two logs exactly when they hold the same messages of each origin
     * in the same order.
     */
    public String digest() {
        Canonical out = new Canonical();
        out.string(channelId);
        out.longValue(byOrigin.size());
        byOrigin.forEach((pod, ids) -> {
            out.string(pod);
            out.longValue(ids.size());
            for (UUID id : ids) out.uuid(id);
        });
        return HexFormat.of().formatHex(out.finish());
    }
}
