package io.parley.server.federation.org;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.id.HybridClock;
import io.parley.core.pod.MergeRules;
import io.parley.core.store.ChatStore;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import io.parley.core.store.MessageLog;
import io.parley.server.federation.link.PeerDirectory;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodIdentity;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.Signing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Receives org channel ops from other pods and applies them to the local chat log through the normal
 * {@link MessageLog} path, then publishes the committed events on the bus: remote messages reach local clients
 * exactly as local ones do (one delivery path).
 *
 * <p><b>Checks</b> ({@link OrgEnvelope}), before anything is written: the sender is a member of the org and is the batch's origin (or,
 * on {@link OrgWire#RELAYED}, a member relaying it); a relayed envelope's signature verifies with the origin's key
 * and names this pod as recipient (a direct one came in a request the origin signed); the channel is known (else 404 {@code unknown_org_channel}) and mapped here (else
 * the answer is {@code not_mapped} and the sender keeps its cursor); every field of every op is well-formed.
 *
 * <p><b>Idempotence and merge rules.</b> What an op does — apply, park until its message (or thread root) is here,
 * duplicate, superseded — is {@link MergeRules}' decision, the same rules as the digests' replicas; this class reads
 * what they need from the store ({@link OrgMergeInput}: whether the target is here, its hlc and text, its tombstone, the
 * reaction mark kept per remote user) and turns an "apply" into a log command. The store keeps its conditional
 * writes, because the read can be stale (ops submitted before are not committed yet): an edit is written only if its
 * hlc is newer than the stored one and the message is not deleted ({@code MessagesTable.EDIT}), a delete only once
 * ({@code TOMBSTONE}), a reaction only on a live message, and a mark only if newer ({@code org_reaction_marks}); a
 * decision against the read state is still sound, since that state only moves forward. Whether a reply's root is here
 * is also checked again by the store. Only the author's pod edits a message: an authority check, made here before the
 * rules. Every op gets a client id derived from (origin pod, channel, origin seq), so a replayed op is a retry the
 * log recognises.
 *
 * <p>Ops of one batch are submitted to the log writer in order without waiting for each commit (the writer is
 * FIFO), then awaited together: a batch costs a few group commits, not one per op. The next batch of the same origin
 * and channel may be submitted while this one commits, and never before it: a batch names the origin seq its
 * predecessor ended with and waits for that one (see {@code Stream}), so this pod's log holds each origin's ops in the
 * origin's order whatever order the requests arrive in.
 */
public final class OrgInbound {
    private static final Logger log = LoggerFactory.getLogger(OrgInbound.class);
    private static final CompletableFuture<Boolean> SETTLED = CompletableFuture.completedFuture(true);

    private final String me;
    private final PodIdentity identity;
    private final OrgStore store;
    private final PeerDirectory peers;
    private final MessageLog messages;
    private final ChatStore chats;
    private final Bus bus;
    private final HybridClock hlc;
    private final Clock clock;
    /** The largest remote file accepted (this pod's own upload limit): a larger one is not offered to local readers. */
    private final long maxFileBytes;
    /** Each origin's batches in the origin's order. */
    private final OriginTurns turns;

    OrgInbound(PodIdentity identity, OrgStore store, PeerDirectory peers, MessageLog messages,
               ChatStore chats, Bus bus, HybridClock hlc, Clock clock, long maxFileBytes, MeterRegistry registry) {
        this.me = identity.id();
        this.identity = identity;
        this.store = store;
        this.peers = peers;
        this.messages = messages;
        this.chats = chats;
        this.bus = bus;
        this.hlc = hlc;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.turns = new OriginTurns(store, clock, registry);
    }

    void register(PodRoutes routes) {
        routes.handle(OrgWire.EVENTS, OrgWire.Delivery.class, (from, d) -> PodReply.ok(receive(from, d, false)));
        routes.handle(OrgWire.RELAYED, OrgWire.Delivery.class, (from, d) -> PodReply.ok(receive(from, d, true)));
    }

    /** {@return the batch sealed for its recipient} */
    OrgWire.Envelope seal(OrgWire.Batch batch) {
        return OrgEnvelope.seal(identity, batch);
    }

    // ---- receiving ----

    private OrgWire.BatchReply receive(String from, OrgWire.Delivery d, boolean relayed) {
        OrgWire.Envelope env = d.envelope();
        if (d.orgId() == null || env == null || env.origin() == null || env.body() == null || env.signature() == null) {
            throw ParleyException.invalid("orgId and envelope {origin, body, signature} are required");
        }
        if (!relayed && !from.equals(env.origin())) throw ParleyException.forbidden("a direct delivery must come from its origin pod");
        if (relayed && from.equals(env.origin())) throw ParleyException.invalid("an origin sends to " + OrgWire.EVENTS);
        if (env.origin().equals(me)) throw ParleyException.forbidden("this pod's own ops are not accepted back");
        if (store.org(d.orgId()).isEmpty()) throw new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org '" + d.orgId() + "' here");
        List<String> members = store.members(d.orgId());
        if (!members.contains(from) || !members.contains(env.origin())) {
            throw ParleyException.forbidden("pod '" + from + "' or the origin is not a member of the org");
        }
        PublicKey key = peers.key(env.origin())
                .orElseThrow(() -> ParleyException.forbidden("the origin pod '" + env.origin() + "' is not linked to this pod"));
        OrgWire.Batch batch = OrgEnvelope.open(d, me, key, relayed, from);
        OrgStore.OrgChannel ch = store.channel(batch.orgChannelId() == null ? "" : batch.orgChannelId())
                .filter(c -> c.orgId().equals(batch.orgId()))
                .orElseThrow(() -> new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org channel '" + batch.orgChannelId() + "' here"));
        if (ch.chatId() == null) return OrgWire.BatchReply.notMapped();
        List<OrgWire.Event> events = batch.events() == null ? List.of() : batch.events();
        if (events.size() > OrgEnvelope.MAX_EVENTS) throw ParleyException.invalid("at most " + OrgEnvelope.MAX_EVENTS + " events per batch");
        for (OrgWire.Event e : events) OrgEnvelope.validate(e, batch.origin());
        if (batch.prev() != null) OrgEnvelope.validateOrder(batch.prev(), events);
        Chat chat = chats.byId(ch.chatId()).orElseThrow(() -> ParleyException.unavailable("the mapped chat is gone", 60, null));
        return apply(batch.origin(), ch, chat, events, batch.prev());
    }

    /**
     * {@return the local user standing for a remote author} Their names are shown here, so characters that hide or reorder
     * text are dropped (not refused: the origin decided, and an older pod may not have checked).
     */
    private UUID shadow(String origin, UUID remoteId, OrgWire.Author a, Instant now) {
        String handle = Input.withoutHidden(a.handle());
        String name = Input.withoutHidden(a.name()).strip();
        return store.ensureShadow(origin, remoteId, handle, name.isEmpty() ? handle : name, now);
    }

    /** Stores the metadata of a remote post's files; {@return the attachments the post claims} (bytes stay on the origin) */
    private List<io.parley.core.chat.Attachment> remoteFiles(String origin, Chat chat, UUID actor, List<OrgWire.FileMeta> files, Instant now) {
        if (files == null || files.isEmpty()) return List.of();
        List<io.parley.core.chat.Attachment> out = new ArrayList<>();
        for (OrgWire.FileMeta m : files) {
            if (m.size() > maxFileBytes) {
                log.info("a file of {} bytes from pod {} is over this pod's limit; its message is shown without it", m.size(), origin);
                continue;
            }
            boolean thumb = m.thumbSha256() != null && m.width() != null && m.height() != null;
            var f = new io.parley.core.files.FileInfo(m.id(), chat.workspaceId(), actor, io.parley.core.files.FileNames.sanitise(m.name()),
                    m.contentType(), m.size(), m.sha256(), thumb ? m.width() : null, thumb ? m.height() : null, thumb ? m.thumbSha256() : null,
                    now, null, null, null, origin);
            if (store.insertRemoteFile(f)) out.add(f.attachment());
            else log.warn("pod {} sent a file id that is taken here by another file; its message is shown without it", origin);
        }
        return out;
    }

    /**
     * Applies ops pulled from a replica to restore the channel (resilient channels): the same checks and merge rules
     * as a delivered batch of {@code origin}'s, without an envelope (the replica's signed answer carried them).
     */
    OrgWire.BatchReply applyRestored(String origin, OrgStore.OrgChannel ch, List<OrgWire.Event> events) {
        if (ch.chatId() == null) return OrgWire.BatchReply.notMapped();
        for (OrgWire.Event e : events) OrgEnvelope.validate(e, origin);
        Chat chat = chats.byId(ch.chatId()).orElseThrow(() -> ParleyException.unavailable("the mapped chat is gone", 60, null));
        return apply(origin, ch, chat, events, null); // the primary's order, as pulled: no predecessor to wait for
    }

    /** What one submitted op is waiting on. */
    private record Submitted(OrgWire.Event event, UUID actor, CompletableFuture<LogResult> result) {
        /** {@return the op, checked before it was submitted} */
        OrgOp op() { return OrgOp.fromWire(event.op()).orElseThrow(); }
    }

    /**
     * One origin's ops for one org channel that are submitted to the log and not yet settled, shared by the batches
     * of that (origin, channel) that overlap: the origin sends its next batch while this pod commits the previous one
     * ({@link OrgDelivery#IN_FLIGHT}). A batch is <em>submitted</em> under {@link #submitting} — its ops reach the log
     * writer (FIFO) in that order, so a chat's ops keep their order — and <em>settled</em> outside it, after the
     * previous batch settled. While a batch is unsettled its posts and reaction marks are here, because its successor
     * is built before they are committed: an edit or reaction on such a post is applied, not parked; a reaction is
     * checked against the newer mark. If a batch fails, every batch submitted behind it while it was unsettled fails
     * too (it may have relied on the failed one's posts); the origin keeps its cursor and sends them all again, and
     * what did commit is a duplicate then.
     *
     * <p><b>Origin order.</b> Two batches in flight travel on separate requests (and may take separate paths, or reach
     * separate nodes of this pod), so the second can arrive first. A batch names its predecessor's last origin seq
     * ({@link OrgWire.Batch#prev}) and is submitted only when {@link OriginTurns} says its turn has come; until then it
     * waits on {@link #progressed}, for at most {@link OriginTurns#HOLD}, and is then answered {@code out_of_order}: the
     * origin sends again from its cursor (or, if this pod has less than it thought applied, from what it has).
     */
    private static final class Stream {
        final ReentrantLock submitting = new ReentrantLock();
        /** Signalled when a batch is submitted or settles: a held batch looks again. */
        final Condition progressed = submitting.newCondition();
        final Set<UUID> posts = ConcurrentHashMap.newKeySet();
        final Map<String, Long> marks = new ConcurrentHashMap<>();
        /** Completes, true or false, when the batch submitted last has settled, with whether it and all before it applied. */
        CompletableFuture<Boolean> tail = CompletableFuture.completedFuture(true);
        /** Where the stream stands, for its order; its high half of client ids (see {@link OrgInbound#clientId}). */
        final OriginTurns.Position position;

        Stream(String origin, String orgChannelId) {
            this.position = new OriginTurns.Position(origin, orgChannelId, clientIdHigh(origin, orgChannelId));
        }
    }

    /** {@return the high half of the client ids of (origin, org channel)'s ops: a digest of the pair, as a version 8 UUID's} */
    static long clientIdHigh(String origin, String orgChannelId) {
        byte[] h = Signing.sha256(("parley-org\n" + origin + "\n" + orgChannelId).getBytes(StandardCharsets.UTF_8));
        long high = 0;
        for (int i = 0; i < 8; i++) high = (high << 8) | (h[i] & 0xff);
        return (high & ~0xF000L) | 0x8000L; // version 8: a custom layout (RFC 9562)
    }

    /**
     * {@return the client id of an origin's op {@code seq} on one org channel: the log's idempotency key for it, the
     * same whenever the op is sent again} The high half names the (origin, channel), the low half is the origin's seq,
     * so one stream's ids sort in seq order, as UUIDs and as text: a backlog's ops land at the end of the log's
     * (chat, client id) index. Random ids (an MD5 of the whole triple, before) put each op at a random place in that
     * index, and a 60,000-op replay spent most of the writer's time reading and writing back its pages. (An op applied
     * under its old id and sent again is still recognised: posts by message id, the rest by their hlc.)
     */
    static UUID clientId(long high, long seq) {
        // The low half holds 62 bits of seq beside the variant. Seqs are never negative, and restored ops take seqs
        // from 2^62 up (ResilientChannels.RESTORE_SEQ_BASE): the 63rd bit goes to the high half, so a restored op's id
        // is never a live op's (the two runs are each in order, apart in the index).
        long spill = seq >>> 62;
        return new UUID(high ^ (spill << 62), (seq & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L); // variant 10
    }

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();

    /** One batch being applied: what it submitted, and what it lent its stream until it settles. */
    private static final class Work {
        final Set<UUID> created = new HashSet<>();
        /** Every post of the batch, new or a duplicate: parked ops may wait for any of them. */
        final List<UUID> posts = new ArrayList<>();
        /** The reaction marks looked up or raised by this batch. */
        final Map<String, Long> marks = new HashMap<>();
        /** The marks this batch raised in its stream. */
        final Map<String, Long> raised = new HashMap<>();
        final List<Submitted> submitted = new ArrayList<>();
        int duplicates;
        int parked;
    }

    /**
     * Applies one batch of an origin's ops. {@code prev} is the origin seq its predecessor ended with; null when there
     * is no order to keep (a pod of before issue 16, ops pulled for a restore, parked ops).
     */
    private OrgWire.BatchReply apply(String origin, OrgStore.OrgChannel ch, Chat chat, List<OrgWire.Event> events, Long prev) {
        Stream stream = streams.computeIfAbsent(origin + "\n" + ch.id(), k -> new Stream(origin, ch.id()));
        Work w = new Work();
        CompletableFuture<Boolean> before;
        CompletableFuture<Boolean> settled = new CompletableFuture<>();
        long through = prev == null ? -1 : events.isEmpty() ? prev : events.getLast().seq();
        stream.submitting.lock();
        try {
            if (prev != null) {
                OptionalLong refused = turns.awaitTurn(stream.position, stream.progressed, chat.id(), prev);
                if (refused.isPresent()) {
                    log.info("org channel {}: a batch from pod {} after seq {} came before that one was applied here (applied"
                            + " through {}); refused, to be sent again in order", ch.id(), origin, prev, refused.getAsLong());
                    return OrgWire.BatchReply.outOfOrder(refused.getAsLong());
                }
            }
            // A batch that settled before this one was submitted lent it nothing: its failure is not this one's.
            before = stream.tail.isDone() ? SETTLED : stream.tail;
            stream.tail = settled;
            try {
                submit(origin, ch, chat, events, stream, w);
            } catch (RuntimeException | Error e) {
                settle(stream, w);
                turns.failed(stream.position);
                settled.complete(false);
                throw e;
            }
            if (prev != null) turns.submitted(stream.position, through);
            stream.progressed.signalAll();
        } finally {
            stream.submitting.unlock();
        }
        int applied = 0;
        boolean ok = false;
        try {
            RuntimeException failure = null;
            List<Submitted> reacted = new ArrayList<>();
            for (Submitted s : w.submitted) {
                try {
                    LogResult r = s.result().join();
                    if (!r.duplicate() && !r.events().isEmpty()) applied++;
                    else w.duplicates++;
                    for (ChatEvent ev : r.events()) bus.publish(new BusEvent.Committed(ev)); // committed: local readers see it whatever follows
                    if (s.op().isReaction()) reacted.add(s);
                } catch (CompletionException ce) {
                    Throwable c = ce.getCause();
                    if (c instanceof ParleyException pe && (pe.code() == ErrorCode.NOT_FOUND || pe.code() == ErrorCode.INVALID)) {
                        w.duplicates++; // e.g. a reaction on a message deleted meanwhile: nothing to do
                        if (s.op().isReaction()) reacted.add(s);
                    } else if (failure == null) {
                        failure = c instanceof RuntimeException re ? re : new IllegalStateException(c);
                    }
                }
            }
            ok = failure == null && before.join();
            if (ok) {
                for (Submitted s : reacted) {
                    store.setReactionMark(s.event().messageId(), s.actor(), s.event().emoji(), s.op() == OrgOp.REACT_ADD, s.event().hlc());
                }
                // Every batch before this one settled applied (before), so the origin's ops through here are all in the log.
                if (prev != null) turns.applied(stream.position, through);
            }
        } catch (RuntimeException e) {
            ok = false;
            log.warn("org channel {}: a batch from pod {} failed to settle ({}); it is refused and sent again", ch.id(), origin, e.getClass().getSimpleName());
        } finally {
            // Whatever happened, the batches behind this one must learn how it ended, or they would wait for ever.
            settle(stream, w);
            stream.submitting.lock();
            try {
                if (!ok) turns.failed(stream.position);
                stream.progressed.signalAll();
            } finally {
                stream.submitting.unlock();
            }
            settled.complete(ok);
        }
        if (!ok) {
            // Nothing is lost: the sender keeps its cursor and sends the batch again; what was applied is a duplicate then.
            throw ParleyException.unavailable("the store could not take the batch; send it again", 2, null);
        }
        int parked = w.parked;
        boolean parkedAgain = false;
        Set<UUID> awaited = w.posts.isEmpty() ? Set.of() : store.awaited(w.posts); // one read, not a write transaction per post
        for (UUID id : w.posts) {
            if (!awaited.contains(id)) continue;
            for (OrgStore.Pending p : store.unpark(id)) {
                OrgWire.Event e = PodRoutes.parse(p.op().getBytes(StandardCharsets.UTF_8), OrgWire.Event.class);
                try {
                    OrgWire.BatchReply r = apply(p.originPod(), ch, chat, List.of(e), null); // its turn came when it was parked
                    applied += r.applied();
                    parked += r.parked();
                } catch (RuntimeException ex) {
                    store.park(p, clock.instant()); // it waits again, for this post: the retry of this batch unparks it
                    parkedAgain = true;
                }
            }
        }
        if (parkedAgain) throw ParleyException.unavailable("ops that waited for this batch could not be applied yet; send it again", 2, null);
        if (log.isDebugEnabled()) log.debug("org channel {}: from {} applied {}, duplicates {}, parked {}", ch.id(), origin, applied, w.duplicates, parked);
        return OrgWire.BatchReply.applied(applied, w.duplicates, parked);
    }


    /** Stores every stream's applied mark now (a clean stop). */
    void flushMarks() {
        turns.flush(streams.values().stream().map(st -> st.position).toList());
    }

    /** Takes a settled batch's posts and marks back from its stream (they are committed now, or failed). */
    private static void settle(Stream stream, Work w) {
        stream.posts.removeAll(w.created);
        for (var m : w.raised.entrySet()) stream.marks.remove(m.getKey(), m.getValue());
    }

    /** Builds the batch's log commands and submits them in order (the caller holds the stream's lock). */
    private void submit(String origin, OrgStore.OrgChannel ch, Chat chat, List<OrgWire.Event> events, Stream stream, Work w) {
        Set<UUID> created = w.created;
        Map<UUID, UUID> actors = new HashMap<>();
        Instant now = clock.instant();
        // Posts are most of a replayed backlog: which of their ids (and thread roots) are here is one query, not one per op.
        Set<UUID> asked = new HashSet<>();
        for (OrgWire.Event e : events) {
            if (OrgOp.fromWire(e.op()).orElse(null) != OrgOp.POST) continue;
            asked.add(e.messageId());
            if (e.threadRoot() != null) asked.add(e.threadRoot());
        }
        Set<UUID> present = new HashSet<>(store.presentMessages(asked));
        for (UUID id : asked) if (stream.posts.contains(id)) present.add(id); // submitted by an unsettled batch
        for (OrgWire.Event e : events) {
            hlc.observe(e.hlc());
            UUID actor = actors.computeIfAbsent(e.author().id(), id -> shadow(origin, id, e.author(), now));
            UUID clientId = clientId(stream.position.clientIdHigh, e.seq());
            Instant at = Instant.ofEpochMilli(e.at());
            UUID waitFor = null;
            LogCommand cmd = null;
            OrgOp op = OrgOp.fromWire(e.op()).orElseThrow(); // checked (OrgEnvelope.validate) before it was submitted or parked
            boolean post = op == OrgOp.POST;
            boolean pending = created.contains(e.messageId()) || stream.posts.contains(e.messageId());
            Optional<Message> target = pending || post ? Optional.empty() : messages.message(e.messageId());
            boolean here = pending || target.isPresent() || (post && present.contains(e.messageId()));
            if (target.isPresent() && !target.get().chatId().equals(chat.id())) {
                w.duplicates++; // an id of another chat: never touched from here
                continue;
            }
            if (op == OrgOp.EDIT && target.isPresent() && !target.get().senderId().equals(actor)) {
                w.duplicates++; // only the author edits: who may, not which write wins
                continue;
            }
            if (post) w.posts.add(e.messageId()); // new or a duplicate: parked ops may wait for it
            String markKey = op.isReaction() ? e.messageId() + "\n" + actor + "\n" + e.emoji() : null;
            MergeRules.Decision decision;
            if (post) {
                boolean rootHere = e.threadRoot() == null || created.contains(e.threadRoot()) || present.contains(e.threadRoot());
                decision = MergeRules.decide(here ? OrgMergeInput.POSTED_HERE : MergeRules.Known.unposted(rootHere), OrgMergeInput.op(origin, e, op, actor));
            } else if (!here) {
                decision = MergeRules.decide(MergeRules.Known.unposted(true), OrgMergeInput.op(origin, e, op, actor));
            } else {
                long mark = -1;
                if (markKey != null) {
                    Long unsettled = stream.marks.get(markKey);
                    mark = w.marks.computeIfAbsent(markKey, k -> Math.max(unsettled == null ? -1L : unsettled,
                            store.reactionMark(e.messageId(), actor, e.emoji())));
                }
                decision = MergeRules.decide(OrgMergeInput.stored(origin, op, target, mark), OrgMergeInput.op(origin, e, op, actor));
            }
            switch (decision) {
                case MergeRules.Decision.Park p -> waitFor = p.awaits() == MergeRules.Awaited.THREAD_ROOT ? e.threadRoot() : e.messageId();
                case MergeRules.Decision.Duplicate d -> w.duplicates++;
                case MergeRules.Decision.Superseded d -> w.duplicates++; // the store would change nothing: counted as before
                case MergeRules.Decision.Apply a -> cmd = switch (op) {
                    case POST -> {
                        created.add(e.messageId());
                        stream.posts.add(e.messageId());
                        yield new LogCommand.Post(chat.workspaceId(), chat.id(), actor, clientId, e.messageId(), e.content(), e.threadRoot(),
                                Mentions.parse(e.content()), origin, e.hlc(), at, remoteFiles(origin, chat, actor, e.files(), now), null);
                    }
                    case EDIT -> new LogCommand.Edit(chat.workspaceId(), chat.id(), actor, clientId, e.messageId(), e.content(),
                            Mentions.parse(e.content()), e.hlc(), at);
                    case DELETE -> new LogCommand.Delete(chat.workspaceId(), chat.id(), actor, clientId, e.messageId(), e.hlc(), at);
                    case REACT_ADD, REACT_REMOVE -> {
                        w.marks.put(markKey, e.hlc());
                        w.raised.put(markKey, e.hlc());
                        stream.marks.merge(markKey, e.hlc(), Math::max);
                        yield new LogCommand.React(chat.workspaceId(), chat.id(), actor, clientId, e.messageId(), e.emoji(),
                                op == OrgOp.REACT_ADD, e.hlc(), at);
                    }
                };
            }
            if (waitFor != null) {
                store.park(new OrgStore.Pending(clientId, ch.id(), origin, waitFor, new String(PodClient.json(e), StandardCharsets.UTF_8)), now);
                w.parked++;
            } else if (cmd != null) {
                w.submitted.add(new Submitted(e, actor, messages.append(cmd)));
            }
        }
    }
}
