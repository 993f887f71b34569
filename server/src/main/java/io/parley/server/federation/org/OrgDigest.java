package io.parley.server.federation.org;

import io.parley.core.pod.ChannelReplica;
import io.parley.core.pod.MessageKey;
import io.parley.core.pod.MessageReplica;
import io.parley.core.pod.OriginOrder;
import io.parley.core.pod.Stamp;
import io.parley.server.federation.link.Signing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An org-shared chat's local log, final state, as a {@link ChannelReplica} of core's merge rules, so that the
 * digest is computed by the one implementation of those rules. Every pod that holds the same messages, the same
 * winning edits, the same tombstones and the same reactions computes the same digest.
 *
 * <p>What is compared: each message's key (origin pod, id), its author as (id on its home pod)@(home pod), its
 * thread root's key, the post's hlc, the winning content with its (hlc, origin pod) stamp, whether it is deleted,
 * and its present reactions by (author, emoji). Two things are normalised because the local log does not keep
 * them and they do not change what anyone sees: a tombstone's stamp (deletes always win, whichever came first) and
 * a reaction's stamp (a reaction's ops come only from its user's pod, in order).
 *
 * <p>The state is blind to the order of the local log by design, so a second digest covers it: the
 * {@link OriginOrder} of the chat's top-level messages (the history every client reads), each origin's in the order
 * of their posts' local seqs. Replies are left out of it: one whose thread root came from another pod can wait here
 * for that root (parked) and then sits after its own origin's later posts, rightly. The channel's digest is both.
 */
final class OrgDigest {
    /**
     * A channel's digests, each computed once (folding a large channel's state takes a while): its state's, the
     * per-origin order's of its history, and {@code digest}, SHA-256 (hex) over the two: equal on two pods exactly when
     * both are.
     */
    record Digests(String digest, String state, String order, int messages) {
        static Digests of(ChannelReplica state, OriginOrder order) {
            String s = state.digest(), o = order.digest();
            return new Digests(Signing.sha256Hex(("parley-org-channel\n" + s + "\n" + o).getBytes(StandardCharsets.UTF_8)), s, o, state.size());
        }
    }

    private final String me;
    private final ChannelContent store;

    OrgDigest(String me, ChannelContent store) {
        this.me = me;
        this.store = store;
    }

    /** {@return the chat's log as a replica of the org channel} */
    ChannelReplica replica(String orgChannelId, UUID chatId) {
        return replica(orgChannelId, chatId, store.messages(chatId));
    }

    /** {@return the chat's state and the per-origin order of its history, from one read of its messages} */
    Digests digests(String orgChannelId, UUID chatId) {
        List<ChannelContent.MessageRow> rows = new ArrayList<>(store.messages(chatId));
        rows.sort(Comparator.comparingLong(ChannelContent.MessageRow::seq));
        OriginOrder order = new OriginOrder(orgChannelId);
        for (ChannelContent.MessageRow r : rows) if (r.threadRootId() == null) order.append(new MessageKey(r.originPod(), r.id()));
        return Digests.of(replica(orgChannelId, chatId, rows), order);
    }

    private ChannelReplica replica(String orgChannelId, UUID chatId, List<ChannelContent.MessageRow> rows) {
        Map<UUID, String> podOf = new HashMap<>();
        for (ChannelContent.MessageRow r : rows) podOf.put(r.id(), r.originPod());
        Map<UUID, TreeMap<MessageReplica.ReactionKey, MessageReplica.ReactionMark>> reactions = new HashMap<>();
        for (ChannelContent.ReactionRow r : store.reactions(chatId)) {
            String pod = r.userRemotePod() != null ? r.userRemotePod() : me;
            String user = (r.userRemoteId() != null ? r.userRemoteId() : r.userId()) + "@" + pod;
            reactions.computeIfAbsent(r.messageId(), k -> new TreeMap<>())
                    .put(new MessageReplica.ReactionKey(user, r.emoji()), new MessageReplica.ReactionMark(true, new Stamp(0, pod)));
        }
        List<MessageReplica> states = new ArrayList<>(rows.size());
        for (ChannelContent.MessageRow r : rows) {
            MessageKey key = new MessageKey(r.originPod(), r.id());
            String authorPod = r.senderRemotePod() != null ? r.senderRemotePod() : me;
            String author = (r.senderRemoteId() != null ? r.senderRemoteId() : r.senderId()) + "@" + authorPod;
            MessageKey root = r.threadRootId() == null ? null
                    : new MessageKey(r.threadRootPod() != null ? r.threadRootPod() : podOf.getOrDefault(r.threadRootId(), me), r.threadRootId());
            var origin = new MessageReplica.Origin(author, root, r.postedHlc());
            if (r.deleted()) {
                states.add(new MessageReplica(key, origin, null, new Stamp(0, r.originPod()), null));
            } else {
                states.add(new MessageReplica(key, origin, new MessageReplica.Content(r.content(), new Stamp(r.hlc(), r.originPod())), null,
                        reactions.get(r.id())));
            }
        }
        ChannelReplica replica = new ChannelReplica(orgChannelId);
        replica.mergeStates(states);
        return replica;
    }
}
