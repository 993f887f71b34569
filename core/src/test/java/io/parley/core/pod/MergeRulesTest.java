package io.parley.core.pod;

import io.parley.core.pod.MergeRules.Awaited;
import io.parley.core.pod.MergeRules.Decision;
import io.parley.core.pod.MergeRules.Known;
import io.parley.core.pod.MessageReplica.Content;
import io.parley.core.pod.MessageReplica.Origin;
import io.parley.core.pod.MessageReplica.ReactionMark;
import io.parley.core.pod.ReplicaOp.Delete;
import io.parley.core.pod.ReplicaOp.Edit;
import io.parley.core.pod.ReplicaOp.Post;
import io.parley.core.pod.ReplicaOp.React;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link MergeRules}: one example per rule, then seeded properties over the {@link ChannelReplicaTest} generator: the
 * decision agrees with the replica's join op by op, and a second delivery of any op is never applied.
 */
class MergeRulesTest {
    private static final MessageKey M = ChannelReplicaTest.key("pod-a", 1);
    private static final MessageKey ROOT = ChannelReplicaTest.key("pod-b", 2);
    private static final Post POST = new Post(M, "pod-a", 10, "ann", null, "hello");
    private static final Known POSTED = Known.of(MessageReplica.of(POST), POST);

    private static Decision decide(MessageReplica state, ReplicaOp op) {
        return MergeRules.decide(Known.of(state, op), op);
    }

    // ---- the rules, one example each ----

    @Test
    void aPostOfAnUnknownMessageApplies() {
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(Known.unposted(true), POST));
    }

    @Test
    void aReplyWhoseRootIsUnknownParksUntilTheRootArrives() {
        Post reply = new Post(M, "pod-a", 10, "ann", ROOT, "re");
        assertEquals(new Decision.Park(Awaited.THREAD_ROOT), MergeRules.decide(Known.unposted(false), reply));
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(Known.unposted(true), reply));
    }

    @Test
    void aPostAlreadyKnownIsADuplicate() {
        assertInstanceOf(Decision.Duplicate.class, MergeRules.decide(POSTED, POST));
        Known carriesNoOrigin = new Known(true, null, null, null, null, true);
        assertInstanceOf(Decision.Duplicate.class, MergeRules.decide(carriesNoOrigin, POST));
    }

    @Test
    void ofTwoDifferentPostsOfOneKeyTheSmallerOriginWins() {
        Post earlier = new Post(M, "pod-a", 9, "ann", null, "hello");
        Post later = new Post(M, "pod-a", 11, "ann", null, "hello");
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(POSTED, earlier));
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(POSTED, later), "its content is newer");
        MessageReplica edited = MessageReplica.of(POST).apply(new Edit(M, "pod-a", 20, "edited"));
        assertInstanceOf(Decision.Superseded.class, decide(edited, later));
    }

    @Test
    void anEditIsLastWriterWinsOnTheStamp() {
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(POSTED, new Edit(M, "pod-a", 11, "newer")));
        assertInstanceOf(Decision.Superseded.class, MergeRules.decide(POSTED, new Edit(M, "pod-a", 9, "older")));
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(POSTED, new Edit(M, "pod-b", 10, "same hlc, larger pod")));
        Edit edit = new Edit(M, "pod-a", 11, "newer");
        assertInstanceOf(Decision.Duplicate.class, decide(MessageReplica.of(POST).apply(edit), edit));
    }

    @Test
    void theTombstoneWinsOverEditsAndReactionsBeforeOrAfterIt() {
        MessageReplica deleted = MessageReplica.of(POST).apply(new Delete(M, "pod-b", 12));
        assertInstanceOf(Decision.Superseded.class, decide(deleted, new Edit(M, "pod-a", 99, "after")));
        assertInstanceOf(Decision.Superseded.class, decide(deleted, new React(M, "pod-c", 99, "bob", "+1", true)));
        assertInstanceOf(Decision.Apply.class, MergeRules.decide(POSTED, new Delete(M, "pod-b", 5)), "older than the content");
        assertInstanceOf(Decision.Apply.class, decide(deleted, new Delete(M, "pod-b", 13)), "the largest delete stamp is kept");
        assertInstanceOf(Decision.Duplicate.class, decide(deleted, new Delete(M, "pod-b", 12)));
        assertInstanceOf(Decision.Superseded.class, decide(deleted, new Delete(M, "pod-b", 11)));
    }

    @Test
    void reactionsAreLastWriterWinsPerUserAndEmojiARemovalWinningATie() {
        MessageReplica added = MessageReplica.of(POST).apply(new React(M, "pod-b", 20, "bob", "+1", true));
        assertInstanceOf(Decision.Superseded.class, decide(added, new React(M, "pod-b", 19, "bob", "+1", false)));
        assertInstanceOf(Decision.Apply.class, decide(added, new React(M, "pod-b", 20, "bob", "+1", false)));
        assertInstanceOf(Decision.Duplicate.class, decide(added, new React(M, "pod-b", 20, "bob", "+1", true)));
        assertInstanceOf(Decision.Apply.class, decide(added, new React(M, "pod-b", 1, "bob", "tada", true)), "another emoji");
        MessageReplica removed = added.apply(new React(M, "pod-b", 20, "bob", "+1", false));
        assertInstanceOf(Decision.Superseded.class, decide(removed, new React(M, "pod-b", 20, "bob", "+1", true)));
    }

    @Test
    void anOpOfAMessageNotPostedParksUnlessWhatIsHeldOutdoesIt() {
        Decision park = new Decision.Park(Awaited.MESSAGE);
        assertEquals(park, MergeRules.decide(Known.unposted(true), new Edit(M, "pod-a", 11, "early")));
        assertEquals(park, MergeRules.decide(Known.unposted(true), new Delete(M, "pod-a", 11)));
        assertEquals(park, MergeRules.decide(Known.unposted(true), new React(M, "pod-a", 11, "bob", "+1", true)));
        MessageReplica held = MessageReplica.of(new Edit(M, "pod-a", 11, "early"));
        assertInstanceOf(Decision.Superseded.class, decide(held, new Edit(M, "pod-a", 10, "earlier")));
        assertInstanceOf(Decision.Duplicate.class, decide(held, new Edit(M, "pod-a", 11, "early")));
        assertEquals(park, decide(held, new Edit(M, "pod-a", 12, "later")));
    }

    @Test
    void anOriginIsKnownOnlyOfAPostedMessage() {
        assertThrows(IllegalArgumentException.class,
                () -> new Known(false, new Origin("ann", null, 1), new Content("x", new Stamp(1, "pod-a")), null,
                        new ReactionMark(true, new Stamp(1, "pod-a")), true));
    }

    // ---- properties ----

    /** Op by op, the decision changes the state exactly when the replica's join does, and parks exactly before the post. */
    @Test
    void theDecisionAgreesWithTheJoinOpByOp() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            List<ReplicaOp> ops = withConflictingPosts(ChannelReplicaTest.randomOps(random), random);
            Map<MessageKey, MessageReplica> states = new HashMap<>();
            for (ReplicaOp op : ops) {
                MessageReplica before = states.get(op.key());
                MessageReplica after = before == null ? MessageReplica.of(op) : before.apply(op);
                Decision d = decide(before, op);
                String where = "seed " + seed + ", " + op + " on " + before;
                assertEquals(!after.equals(before), d.changes(), where);
                boolean posted = before != null && before.posted();
                if (d.changes()) {
                    assertEquals(op instanceof Post || posted ? Decision.Apply.class : Decision.Park.class, d.getClass(), where);
                }
                states.put(op.key(), after);
            }
        }
    }

    /** Delivered again later, an op never applies: it is a duplicate, or superseded by what came since. */
    @Test
    void aSecondDeliveryIsNeverApplied() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            List<ReplicaOp> ops = ChannelReplicaTest.randomOps(random);
            Map<MessageKey, MessageReplica> states = new HashMap<>();
            for (ReplicaOp op : ops) states.merge(op.key(), MessageReplica.of(op), MessageReplica::merge);
            for (ReplicaOp op : ops) {
                Decision d = decide(states.get(op.key()), op);
                assertEquals(false, d.changes(), "seed " + seed + ", " + op);
            }
        }
    }

    /** Now and then a second, different post of a key (never made by a sound origin), to exercise the origin join. */
    private static List<ReplicaOp> withConflictingPosts(List<ReplicaOp> ops, Random random) {
        List<ReplicaOp> out = new ArrayList<>(ops);
        for (ReplicaOp op : ops) {
            if (op instanceof Post p && random.nextInt(4) == 0) {
                out.add(random.nextInt(out.size() + 1), new Post(p.key(), p.pod(), Math.max(0, p.hlc() + random.nextInt(5) - 2),
                        "user" + random.nextInt(3), p.threadRoot(), "other " + random.nextInt(3)));
            }
        }
        return out;
    }
}
