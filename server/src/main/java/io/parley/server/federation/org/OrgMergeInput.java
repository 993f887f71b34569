package io.parley.server.federation.org;

import io.parley.core.chat.Message;
import io.parley.core.pod.MergeRules;
import io.parley.core.pod.MessageKey;
import io.parley.core.pod.MessageReplica;
import io.parley.core.pod.ReplicaOp;
import io.parley.core.pod.Stamp;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What {@link OrgInbound} hands core's {@link MergeRules}: an inbound op as the rules read it, and its target as this
 * pod's store holds it. The store has less than a replica ({@code messages} keeps one hlc per message, a reaction
 * mark keeps only an hlc), so this is where the org log says how its rows stand for the rules' state, and which cases
 * it leaves to the store's conditional writes instead (see {@link #stored}). Nothing here takes a read of its own:
 * {@link OrgInbound} already reads which posts (and roots) are here, one query per batch, the target of every other
 * op, and a reaction's mark; a replayed backlog costs what it did.
 *
 * <p><b>What stays in SQL, and why.</b> The decision is made against a read that can be stale — ops submitted before,
 * in this batch or an unsettled one, are not committed yet — so an "apply" is checked again where it is written: an
 * edit only if its hlc is newer and the message live ({@code MessagesTable.EDIT}), a delete only once ({@code
 * TOMBSTONE}), a reaction only on a live message, a mark only if newer ({@code org_reaction_marks}), a reply only if
 * its root is in the chat. A "duplicate" or "superseded" needs no check: the stored state only moves forward. Where
 * the store is coarser than the rules the SQL has the last word on an "apply": it orders edits by hlc alone (the rules
 * by hlc, pod, then text; every edit of a message comes from its origin, whose hlcs are unique per write, so they
 * agree), and it keeps the first tombstone where the rules raise it to the largest delete stamp (the store does not
 * hold the delete's stamp; no row changes either way).
 */
final class OrgMergeInput {
    private OrgMergeInput() {}

    /** A post whose id is here already: the rules are not handed the stored origin, so the post is the same one. */
    static final MergeRules.Known POSTED_HERE = new MergeRules.Known(true, null, null, null, null, true);

    /**
     * {@return what the store says of an op's target that is here, for {@link MergeRules}} (the target is empty when its
     * post is in a batch not yet committed: nothing is known of it but that it is posted)
     *
     * <p>The store keeps one hlc per message: the newest of its content writes and its delete. Every content write comes
     * from the message's origin ({@link OrgEnvelope#validate}: a post or an edit comes from its message's pod), so
     * the content's stamp is (hlc, origin); a tombstone is given the same stamp, an upper bound of the delete's own
     * (which is not stored), which is enough: the store takes no second delete whatever its stamp. A reaction is given
     * no tombstone: the store answers a reaction on a deleted message with not_found, and the reaction mark is still
     * set (a remote user's reaction counts the chat as one they took part in, {@code OrgChannelsTable}); deciding it
     * here would skip that. The mark keeps only the hlc of the last op on (message, user, emoji), not what it said: it
     * is given as a removal, which an op of the same stamp never beats (all ops on a remote user's mark come from that
     * user's pod, whose hlcs are unique per write, so a tie is the same op sent again).
     */
    static MergeRules.Known stored(String origin, OrgOp op, Optional<Message> target, long mark) {
        MessageReplica.Content content = target
                .map(t -> new MessageReplica.Content(Objects.requireNonNullElse(t.content(), ""), new Stamp(t.hlc(), origin)))
                .orElse(null);
        Stamp tombstone = !op.isReaction() && target.isPresent() && target.get().deleted() ? new Stamp(target.get().hlc(), origin) : null;
        MessageReplica.ReactionMark reaction = mark >= 0 ? new MessageReplica.ReactionMark(false, new Stamp(mark, origin)) : null;
        return new MergeRules.Known(true, null, content, tombstone, reaction, true);
    }

    /**
     * {@return the op as {@link MergeRules} reads it} Its key names the message by id under the origin pod (the rules
     * never look at the key's pod: this log finds messages by id); a post carries no thread root, since its origin is
     * never compared with a stored one (see {@link #POSTED_HERE}) and whether its root is here is in {@link
     * MergeRules.Known#threadRootKnown}; a reaction's user is the remote user's local stand-in.
     */
    static ReplicaOp op(String origin, OrgWire.Event e, OrgOp op, UUID actor) {
        MessageKey key = new MessageKey(origin, e.messageId());
        return switch (op) {
            case POST -> new ReplicaOp.Post(key, origin, e.hlc(), actor.toString(), null, e.content());
            case EDIT -> new ReplicaOp.Edit(key, origin, e.hlc(), e.content());
            case DELETE -> new ReplicaOp.Delete(key, origin, e.hlc());
            case REACT_ADD, REACT_REMOVE -> new ReplicaOp.React(key, origin, e.hlc(), actor.toString(), e.emoji(), op == OrgOp.REACT_ADD);
        };
    }
}
