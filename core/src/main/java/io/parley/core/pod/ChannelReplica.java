package io.parley.core.pod;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One pod's replica of a replicated channel log (org-shared or resilient): a {@link MessageReplica} per
 * message, joined op by op or with another replica wholesale. Because every message's state is a join,
 * two replicas that have seen the same writes hold the same state and the same {@link #digest()}, whatever
 * the order, duplication or grouping of what reached them (ARCHITECTURE.md, "Identity that survives
 * federation").
 *
 * <p>What one op does is {@link MergeRules}' decision (the rules are written down there); a whole replica's states
 * are joined with {@link MessageReplica#merge}, which agrees with it.
 *
 * <p>The channel's order is (creation hlc, origin pod, message id), the same on every pod. Thread-safe: one
 * lock per replica; {@link #merge} reads the other replica's snapshot before taking this one's lock, so two
 * replicas merging into each other cannot deadlock.
 */
public final class ChannelReplica {
    /** The channel's order: creation hlc, origin pod, message id; not yet posted messages last, by key. */
    static final Comparator<MessageReplica> ORDER = Comparator
            .comparing((MessageReplica m) -> !m.posted())
            .thenComparingLong(m -> m.posted() ? m.origin().hlc() : 0)
            .thenComparing(MessageReplica::key);

    private final String channelId;
    private final Map<MessageKey, MessageReplica> messages = new HashMap<>();

    /** An empty replica of the channel with this org-wide id (for example {@code org:1234#general}). */
    public ChannelReplica(String channelId) {
        if (channelId == null || channelId.isBlank()) throw new IllegalArgumentException("channelId is required");
        this.channelId = channelId;
    }

    /** {@return the org-wide id of the channel} */
    public String channelId() {
        return channelId;
    }

    /**
     * Applies one op as {@link MergeRules} decides: an op it parks (its message is not posted here yet) is held in the
     * message's unposted state. {@return whether it changed anything (false for a duplicate or a write that lost)}
     */
    public synchronized boolean apply(ReplicaOp op) {
        Objects.requireNonNull(op, "op");
        MessageReplica current = messages.get(op.key());
        if (!MergeRules.decide(MergeRules.Known.of(current, op), op).changes()) return false;
        messages.put(op.key(), current == null ? MessageReplica.of(op) : current.apply(op));
        return true;
    }

    /** Applies ops in the order given; {@return how many changed anything} */
    public int applyAll(Collection<? extends ReplicaOp> ops) {
        int changed = 0;
        for (ReplicaOp op : ops) if (apply(op)) changed++;
        return changed;
    }

    /** Joins another replica of the same channel into this one; {@return how many messages changed here} */
    public int merge(ChannelReplica other) {
        if (!channelId.equals(other.channelId)) throw new IllegalArgumentException("cannot merge different channels");
        return mergeStates(other.states());
    }

    /** Joins message states received from another replica (a reconciliation batch); {@return how many changed here} */
    public synchronized int mergeStates(Collection<MessageReplica> states) {
        int changed = 0;
        for (MessageReplica s : states) if (join(s)) changed++;
        return changed;
    }

    /** {@return the state of one message, if anything is known about it} */
    public synchronized Optional<MessageReplica> get(MessageKey key) {
        return Optional.ofNullable(messages.get(key));
    }

    /** {@return how many messages this replica holds state for, posted or not} */
    public synchronized int size() {
        return messages.size();
    }

    /** {@return every message state in the channel's order, unposted last} */
    public List<MessageReplica> states() {
        List<MessageReplica> out;
        synchronized (this) {
            out = new ArrayList<>(messages.values());
        }
        out.sort(ORDER);
        return out;
    }

    /** {@return the channel as users see it: posted messages in the channel's order, deleted ones as placeholders} */
    public List<ReplicatedMessage> view() {
        List<ReplicatedMessage> out = new ArrayList<>();
        for (MessageReplica m : states()) {
            if (!m.posted()) break; // unposted sort last
            out.add(viewOf(m));
        }
        return out;
    }

    /**
     * {@return SHA-256, in hex, of the canonical encoding of the whole state: the channel id, then every message
     * in the channel's order with its origin, tombstone, content and every reaction mark (removals included),
     * each field length-prefixed. Equal on two replicas exactly when they hold the same state.}
     */
    public String digest() {
        Canonical out = new Canonical();
        out.string(channelId);
        List<MessageReplica> all = states();
        out.longValue(all.size());
        for (MessageReplica m : all) encode(out, m);
        return HexFormat.of().formatHex(out.finish());
    }

    /** {@return the digest of each message's state, to find which messages two replicas disagree on} */
    public Map<MessageKey, String> messageDigests() {
        Map<MessageKey, String> out = new TreeMap<>();
        for (MessageReplica m : states()) {
            Canonical c = new Canonical();
            encode(c, m);
            out.put(m.key(), HexFormat.of().formatHex(c.finish()));
        }
        return out;
    }

    private boolean join(MessageReplica incoming) {
        MessageReplica current = messages.get(incoming.key());
        MessageReplica merged = current == null ? incoming : current.merge(incoming);
        if (merged.equals(current)) return false;
        messages.put(merged.key(), merged);
        return true;
    }

    private static ReplicatedMessage viewOf(MessageReplica m) {
        Map<String, List<String>> reactions = new TreeMap<>();
        m.reactions().forEach((k, mark) -> {
            if (mark.present()) reactions.computeIfAbsent(k.emoji(), e -> new ArrayList<>()).add(k.user());
        });
        reactions.replaceAll((emoji, users) -> List.copyOf(users)); // users already sorted: keys sort by user first
        boolean edited = m.content() != null
                && !m.content().stamp().equals(new Stamp(m.origin().hlc(), m.key().originPod()));
        return new ReplicatedMessage(m.key(), m.origin().author(), m.origin().threadRoot(), m.origin().hlc(),
                m.content() == null ? null : m.content().text(), m.deleted(), edited, Collections.unmodifiableMap(reactions));
    }

    private static void encode(Canonical out, MessageReplica m) {
        key(out, m.key());
        MessageReplica.Origin o = m.origin();
        out.bool(o != null);
        if (o != null) {
            out.string(o.author());
            out.bool(o.threadRoot() != null);
            if (o.threadRoot() != null) key(out, o.threadRoot());
            out.longValue(o.hlc());
        }
        out.bool(m.tombstone() != null);
        if (m.tombstone() != null) stamp(out, m.tombstone());
        out.bool(m.content() != null);
        if (m.content() != null) {
            out.string(m.content().text());
            stamp(out, m.content().stamp());
        }
        out.longValue(m.reactions().size());
        m.reactions().forEach((k, mark) -> {
            out.string(k.user());
            out.string(k.emoji());
            out.bool(mark.present());
            stamp(out, mark.stamp());
        });
    }

    private static void key(Canonical out, MessageKey k) {
        out.string(k.originPod());
        out.longValue(k.messageId().getMostSignificantBits());
        out.longValue(k.messageId().getLeastSignificantBits());
    }

    private static void stamp(Canonical out, Stamp s) {
        out.longValue(s.hlc());
        out.string(s.pod());
    }
}
