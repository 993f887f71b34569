package io.parley.core.pod;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replicated state of one message, built so that replicas converge whatever reaches them and in
 * whatever order: {@link #merge} is commutative, associative and idempotent (a join), and {@link #apply}
 * is {@code merge(of(op))}, so applying ops in any order, any number of times, and merging replicas in any
 * grouping all end in the same state.
 *
 * <h2>The parts and how each joins</h2>
 * <ul>
 *   <li><b>Origin</b> (author, thread root, creation hlc), from the {@link ReplicaOp.Post}. There is one post
 *       per key; should two ever differ, the one with the smaller (hlc, author, thread root) is kept.</li>
 *   <li><b>Content</b>: a last-writer-wins register over posts and edits, ordered by {@link Stamp} (hlc, then
 *       pod id), and by the text itself if two writes ever carry the same stamp.</li>
 *   <li><b>Tombstone</b>: once any replica has seen a {@link ReplicaOp.Delete} the message is deleted, whatever
 *       the stamps of the edits around it; the largest delete stamp is kept. A deleted message keeps its
 *       origin (so the log keeps its place and threads their count) but drops its content and reactions:
 *       deleted text is not carried to other pods.</li>
 *   <li><b>Reactions</b>: per (user, emoji) a last-writer-wins mark, present or removed; a removal is kept as a
 *       mark so that a stale add cannot resurrect it. On equal stamps the removal wins.</li>
 * </ul>
 * An edit, delete or reaction may arrive before its post: the replica then holds them without an origin and
 * is not shown until the post arrives.
 *
 * @param key the message
 * @param origin what the post said, or null if the post has not arrived
 * @param content the winning content, or null if deleted or never written
 * @param tombstone the largest delete stamp, or null if not deleted
 * @param reactions the reaction marks by (user, emoji); empty if deleted
 */
public record MessageReplica(MessageKey key, Origin origin, Content content, Stamp tombstone,
                             SortedMap<ReactionKey, ReactionMark> reactions) {

    /** What the post said: its author, its thread (null for top level) and its creation stamp. */
    public record Origin(String author, MessageKey threadRoot, long hlc) implements Comparable<Origin> {
        private static final Comparator<Origin> ORDER = Comparator.comparingLong(Origin::hlc)
                .thenComparing(Origin::author)
                .thenComparing(Origin::threadRoot, Comparator.nullsFirst(Comparator.naturalOrder()));

        @Override public int compareTo(Origin o) { return ORDER.compare(this, o); }
    }

    /** A version of the text and the write that made it. */
    public record Content(String text, Stamp stamp) implements Comparable<Content> {
        private static final Comparator<Content> ORDER = Comparator.comparing(Content::stamp).thenComparing(Content::text);

        @Override public int compareTo(Content o) { return ORDER.compare(this, o); }
    }

    /** Whose reaction, with what. */
    public record ReactionKey(String user, String emoji) implements Comparable<ReactionKey> {
        private static final Comparator<ReactionKey> ORDER =
                Comparator.comparing(ReactionKey::user).thenComparing(ReactionKey::emoji);

        @Override public int compareTo(ReactionKey o) { return ORDER.compare(this, o); }
    }

    /** The last word on one reaction: present or removed, and the write that said so. Larger wins; a removal wins a tie. */
    public record ReactionMark(boolean present, Stamp stamp) implements Comparable<ReactionMark> {
        private static final Comparator<ReactionMark> ORDER =
                Comparator.comparing(ReactionMark::stamp).thenComparing(m -> !m.present());

        @Override public int compareTo(ReactionMark o) { return ORDER.compare(this, o); }
    }

    public MessageReplica {
        Objects.requireNonNull(key, "key");
        if (tombstone != null) {
            content = null;
            reactions = Collections.emptySortedMap();
        } else {
            reactions = reactions == null || reactions.isEmpty() ? Collections.emptySortedMap()
                    : Collections.unmodifiableSortedMap(new TreeMap<>(reactions));
        }
    }

    /** {@return the state of a message nothing is known about yet} */
    public static MessageReplica empty(MessageKey key) {
        return new MessageReplica(key, null, null, null, null);
    }

    /** {@return the state a single op leaves on an empty replica} */
    public static MessageReplica of(ReplicaOp op) {
        return switch (op) {
            case ReplicaOp.Post p -> new MessageReplica(p.key(), new Origin(p.author(), p.threadRoot(), p.hlc()),
                    new Content(p.content(), p.stamp()), null, null);
            case ReplicaOp.Edit e -> new MessageReplica(e.key(), null, new Content(e.content(), e.stamp()), null, null);
            case ReplicaOp.Delete d -> new MessageReplica(d.key(), null, null, d.stamp(), null);
            case ReplicaOp.React r -> new MessageReplica(r.key(), null, null, null,
                    new TreeMap<>(Map.of(new ReactionKey(r.user(), r.emoji()), new ReactionMark(r.add(), r.stamp()))));
        };
    }

    /** {@return this state with the op applied} */
    public MessageReplica apply(ReplicaOp op) {
        return merge(of(op));
    }

    /** {@return the join of this state and another of the same message} */
    public MessageReplica merge(MessageReplica other) {
        if (!key.equals(other.key)) throw new IllegalArgumentException("cannot merge replicas of different messages");
        Stamp mergedTombstone = max(tombstone, other.tombstone);
        Origin mergedOrigin = origin == null ? other.origin : other.origin == null ? origin
                : origin.compareTo(other.origin) <= 0 ? origin : other.origin;
        if (mergedTombstone != null) return new MessageReplica(key, mergedOrigin, null, mergedTombstone, null);
        SortedMap<ReactionKey, ReactionMark> mergedReactions;
        if (other.reactions.isEmpty()) {
            mergedReactions = reactions;
        } else if (reactions.isEmpty()) {
            mergedReactions = other.reactions;
        } else {
            mergedReactions = new TreeMap<>(reactions);
            other.reactions.forEach((k, mark) -> mergedReactions.merge(k, mark, MessageReplica::max));
        }
        return new MessageReplica(key, mergedOrigin, max(content, other.content), null, mergedReactions);
    }

    /** {@return whether the post has arrived} */
    public boolean posted() {
        return origin != null;
    }

    /** {@return whether the message is deleted} */
    public boolean deleted() {
        return tombstone != null;
    }

    private static <T extends Comparable<T>> T max(T a, T b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.compareTo(b) >= 0 ? a : b;
    }
}
