package io.parley.core.pod;

import io.parley.core.pod.MessageReplica.Content;
import io.parley.core.pod.MessageReplica.Origin;
import io.parley.core.pod.MessageReplica.ReactionKey;
import io.parley.core.pod.MessageReplica.ReactionMark;

import java.util.Objects;

/**
 * The one place that decides what a replicated op does to the message it touches: {@link #decide} takes what is
 * known here of that message and the incoming op, and answers {@link Decision.Apply apply}, {@link Decision.Park
 * park}, {@link Decision.Duplicate duplicate} or {@link Decision.Superseded superseded}. Both replicated logs ask it:
 * {@link ChannelReplica} (the digests' join) and the org log's inbound path (which reads the target from its store).
 *
 * <h2>The rules</h2>
 * A write is ordered by its {@link Stamp} (hlc, then pod id). "Known" is what this side holds for the message.
 * <ul>
 *   <li><b>Post, message unknown</b> → apply; but a reply whose thread root is not known here → park until the root's
 *       post arrives ({@link Awaited#THREAD_ROOT}). A replica knows no roots it does not hold and keeps replies anyway:
 *       it says every root is known.</li>
 *   <li><b>Post, message posted</b> → duplicate when it is the same post (same origin: author, thread root, creation
 *       hlc) or when the caller does not carry the stored origin (the org log: a post's id found here is the post).
 *       Two different posts of one key never happen (the origin mints an id once); should they, the smaller origin
 *       and the larger content win (apply), else the incoming one is superseded.</li>
 *   <li><b>Edit</b>: last writer wins on (stamp, then text): a content larger than the known one → apply; the same
 *       → duplicate; smaller → superseded. A deleted message takes no edit, older or newer (superseded).</li>
 *   <li><b>Delete</b>: the tombstone wins over every edit and reaction, before or after it. An undeleted message →
 *       apply; a deleted one → apply only if the stamp is larger (the largest delete stamp is kept), duplicate if
 *       equal, superseded if smaller.</li>
 *   <li><b>Reaction</b>, per (user, emoji): last writer wins on the stamp, a removal winning a tie (a removal is kept
 *       as a mark so that a stale add cannot resurrect it). A mark larger than the known one → apply; equal →
 *       duplicate; smaller → superseded. A deleted message takes no reaction (superseded).</li>
 *   <li><b>Edit, delete or reaction of a message not posted yet</b> → park until its post arrives ({@link
 *       Awaited#MESSAGE}), unless what is already held for that message outdoes it (then duplicate or superseded as
 *       above). A replica "parks" by holding the write in the message's unposted state; the org log parks the op
 *       itself and knows nothing held, so it always parks.</li>
 * </ul>
 * {@link Decision#changes()} is true exactly when {@link MessageReplica#apply} changes the known state (the seeded
 * property test pins it), so the replica's join and these rules cannot drift apart.
 *
 * <p>Pure and stateless: callers read the target, ask, then write. A caller whose reads can be stale (the org log
 * decides while earlier ops are still being committed) must keep a conditional write behind an {@code apply}: the
 * state only moves forward (stamps rise, a tombstone stays), so a stale read can make an op look newer than it is,
 * never older — a "superseded" or "duplicate" is final, an "apply" is checked again where it is written.
 */
public final class MergeRules {
    private MergeRules() {}

    /** What a parked op waits for. */
    public enum Awaited {
        /** The post of the message the op touches. */
        MESSAGE,
        /** The post of the reply's thread root. */
        THREAD_ROOT
    }

    /** What an op does to its message. */
    public sealed interface Decision {
        /** {@return whether the op changes what is known of its message (a parked op changes the held state)} */
        default boolean changes() {
            return this instanceof Apply || this instanceof Park;
        }

        /** The op changes the message: write it. */
        record Apply() implements Decision {}

        /** The message (or the reply's thread root) is not here: hold the op until that post arrives. */
        record Park(Awaited awaits) implements Decision {}

        /** The same write is known already: nothing to do. */
        record Duplicate() implements Decision {}

        /** A newer write (or the tombstone) is known: the op lost, nothing to do. */
        record Superseded() implements Decision {}
    }

    private static final Decision APPLY = new Decision.Apply();
    private static final Decision DUPLICATE = new Decision.Duplicate();
    private static final Decision SUPERSEDED = new Decision.Superseded();
    private static final Decision PARK_MESSAGE = new Decision.Park(Awaited.MESSAGE);
    private static final Decision PARK_ROOT = new Decision.Park(Awaited.THREAD_ROOT);

    /**
     * What is known here of the message an op touches.
     *
     * @param posted whether its post is here
     * @param origin what the post said, or null if not posted or not carried by the caller (a posted message whose origin
     *     is not carried takes any post as a duplicate)
     * @param content the winning content, or null if none is known (deleted, never written, or not carried)
     * @param tombstone the delete stamp kept, or null if not deleted
     * @param mark the mark of the (user, emoji) a reaction op touches, or null if none is known or the op is no reaction
     * @param threadRootKnown whether the thread root a reply names is known here (posts only)
     */
    public record Known(boolean posted, Origin origin, Content content, Stamp tombstone, ReactionMark mark,
                        boolean threadRootKnown) {
        public Known {
            if (origin != null && !posted) throw new IllegalArgumentException("an origin is known only of a posted message");
        }

        /** Nothing is known of the message, and the thread root is known or not. */
        public static Known unposted(boolean threadRootKnown) {
            return new Known(false, null, null, null, null, threadRootKnown);
        }

        /** {@return what a replica's state says of the message {@code op} touches (state null: nothing held)} */
        public static Known of(MessageReplica state, ReplicaOp op) {
            if (state == null) return unposted(true);
            ReactionMark mark = op instanceof ReplicaOp.React r ? state.reactions().get(new ReactionKey(r.user(), r.emoji())) : null;
            return new Known(state.posted(), state.origin(), state.content(), state.tombstone(), mark, true);
        }
    }

    /** {@return what {@code op} does to a message of which {@code known} is known} */
    public static Decision decide(Known known, ReplicaOp op) {
        Objects.requireNonNull(known, "known");
        return switch (op) {
            case ReplicaOp.Post p -> post(known, new Origin(p.author(), p.threadRoot(), p.hlc()), new Content(p.content(), p.stamp()));
            case ReplicaOp.Edit e -> held(known, edit(known, new Content(e.content(), e.stamp())));
            case ReplicaOp.Delete d -> held(known, lastWriter(known.tombstone(), d.stamp()));
            case ReplicaOp.React r -> held(known, known.tombstone() != null ? SUPERSEDED
                    : lastWriter(known.mark(), new ReactionMark(r.add(), r.stamp())));
        };
    }

    private static Decision post(Known known, Origin origin, Content content) {
        if (!known.posted()) return known.threadRootKnown() ? APPLY : PARK_ROOT;
        if (known.origin() == null) return DUPLICATE; // the caller knows the post is here, not what it said
        boolean smallerOrigin = origin.compareTo(known.origin()) < 0;
        boolean largerContent = known.tombstone() == null && (known.content() == null || content.compareTo(known.content()) > 0);
        if (smallerOrigin || largerContent) return APPLY;
        return origin.equals(known.origin()) ? DUPLICATE : SUPERSEDED;
    }

    private static Decision edit(Known known, Content content) {
        return known.tombstone() != null ? SUPERSEDED : lastWriter(known.content(), content);
    }

    /** A write that changes the state applies once the post is here, and is held (parked) until then. */
    private static Decision held(Known known, Decision decision) {
        return decision == APPLY && !known.posted() ? PARK_MESSAGE : decision;
    }

    /** Last writer wins: the larger of the known and the incoming register value. */
    private static <T extends Comparable<T>> Decision lastWriter(T known, T incoming) {
        if (known == null) return APPLY;
        int c = incoming.compareTo(known);
        return c > 0 ? APPLY : c == 0 ? DUPLICATE : SUPERSEDED;
    }
}
