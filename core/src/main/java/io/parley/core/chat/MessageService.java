package io.parley.core.chat;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ParleyException;
import io.parley.core.id.HybridClock;
import io.parley.core.id.Uuid7;
import io.parley.core.store.ChatStore;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import io.parley.core.store.MessageLog;
import io.parley.core.workspace.Permission;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.RateLimitedException;
import io.parley.core.realtime.RateAction;
import io.parley.core.realtime.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Messages: send, edit, delete, react, read history and threads, gap-fill, read marks.
 *
 * <p>Every write follows the one path: authorise here → append to the log (the future completes
 * after commit) → publish the committed events on the bus → every node's hub delivers them. The
 * ack a caller sends on completion is therefore never ahead of durability, and fan-out never
 * ahead of the ack's truth.
 */
public final class MessageService {
    /** Largest gap a sync answers with events; beyond it the answer is {@code tooLarge}. */
    public static final int MAX_SYNC_GAP = 500;
    /** Largest page of history or sync events. */
    public static final int MAX_PAGE = 500;
    /** What reactions stored before {@link EmojiCatalog} existed looked like: a removal may still name one of them. */
    private static final Pattern LEGACY_REACTION = Pattern.compile("^[^\\s:]{1,64}$|^:[a-z0-9_+\\-]{1,62}:$");

    private final MessageLog log;
    private final ChatStore chats;
    private final WorkspaceStore workspaces;
    private final ChatService chatService;
    private final Bus bus;
    private final HybridClock hlc;
    private final Clock clock;
    private final String podId;
    /** Rate limits (spec 002 §7.3): messages per user, urgent messages per sender, read marks (coalesced). */
    private final RateLimiter limiter;
    private final AttachmentCheck attachments;
    private final PostingGate postingGate;
    private final AckGate ackGate;
    private final EmojiCatalog emoji = EmojiCatalog.standard();
    /** Read marks over the limit, waiting for {@link #flushDeferredReadMarks()}: latest wins per (user, chat). */
    private final ConcurrentHashMap<ReadKey, DeferredMark> deferredMarks = new ConcurrentHashMap<>();
    private static final Logger audit = LoggerFactory.getLogger("parley.audit");

    private record ReadKey(UUID userId, UUID chatId) {}

    private record DeferredMark(UUID workspaceId, long seq) {}

    /** A limiter that allows everything (tools and tests that do not limit). */
    public static final RateLimiter UNLIMITED = (user, action, scope) -> new RateLimiter.Decision(true, 0, 0, 0);

    /**
     * What the service reads and writes: the chat logs, the chat and workspace stores, the permission rules of
     * {@link ChatService}, and the bus committed events are published on.
     */
    public record Ports(MessageLog log, ChatStore chats, WorkspaceStore workspaces, ChatService chatService, Bus bus) {
        public Ports {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(chats, "chats");
            Objects.requireNonNull(workspaces, "workspaces");
            Objects.requireNonNull(chatService, "chatService");
            Objects.requireNonNull(bus, "bus");
        }
    }

    /**
     * What stamps every write: the pod that is the origin of the messages, the pod's hybrid logical clock (one for
     * all its writes, so ops received from other pods advance it) and the wall clock.
     */
    public record Origin(String podId, HybridClock hlc, Clock clock) {
        public Origin {
            Objects.requireNonNull(podId, "podId");
            Objects.requireNonNull(hlc, "hlc");
            Objects.requireNonNull(clock, "clock");
        }
    }

    /**
     * The checks a post passes besides the permission rules.
     *
     * @param limiter rate limits (spec 002 §7.3): messages per user, urgent messages per sender, read marks
     * @param attachments turns file ids into attachments (the files service), or refuses them
     * @param posting the pod layer's word on posts by users (a resilient channel whose primary is down)
     * @param acks what the acks of posts wait for after their commit: the pod layer holds those of a resilient channel
     *     until enough replica pods hold the post ({@link AckGate}; {@link AckGate#NONE} acks on commit)
     */
    public record Checks(RateLimiter limiter, AttachmentCheck attachments, PostingGate posting, AckGate acks) {
        /** No limits, no attachments, every post taken and acked on commit (tools and tests). */
        public static final Checks NONE = new Checks(UNLIMITED, AttachmentCheck.NONE, PostingGate.OPEN, AckGate.NONE);

        public Checks {
            Objects.requireNonNull(limiter, "limiter");
            Objects.requireNonNull(attachments, "attachments");
            Objects.requireNonNull(posting, "posting");
            Objects.requireNonNull(acks, "acks");
        }
    }

    public MessageService(Ports ports, Origin origin, Checks checks) {
        this.log = ports.log();
        this.chats = ports.chats();
        this.workspaces = ports.workspaces();
        this.chatService = ports.chatService();
        this.bus = ports.bus();
        this.hlc = origin.hlc();
        this.clock = origin.clock();
        this.podId = origin.podId();
        this.limiter = checks.limiter();
        this.attachments = checks.attachments();
        this.postingGate = checks.posting();
        this.ackGate = checks.acks();
    }

    /**
     * Sends a message, or a thread reply when {@code replyTo} is set.
     *
     * @param clientId the client's frame id; a retry with the same id returns the original result
     */
    public CompletableFuture<LogResult> send(UUID userId, UUID chatId, UUID clientId, String content, UUID replyTo) {
        return send(userId, chatId, clientId, new Draft(content, replyTo, List.of(), false));
    }

    /**
     * Sends a message, {@code urgent} or not. Both count against the sender's message limit (RATE_LIMITED);
     * urgent ones also against the urgent limit (URGENT_LIMIT), and are audit-logged with ids only.
     */
    public CompletableFuture<LogResult> send(UUID userId, UUID chatId, UUID clientId, String content, UUID replyTo,
                                             boolean urgent) {
        return send(userId, chatId, clientId, new Draft(content, replyTo, List.of(), urgent));
    }

    /**
     * Sends a draft: text, a thread reply, attachments (the sender's own unclaimed uploads), urgent or not.
     *
     * @param clientId the client's frame id; a retry with the same id returns the original result
     */
    public CompletableFuture<LogResult> send(UUID userId, UUID chatId, UUID clientId, Draft draft) {
        Chat chat = chatService.requirePostable(userId, chatId);
        postingGate.check(chatId);
        String text = draft.attachments().isEmpty() ? content(draft.content()) : optionalContent(draft.content());
        take(userId, RateAction.MESSAGE, ErrorCode.RATE_LIMITED, "too many messages");
        if (draft.urgent()) take(userId, RateAction.URGENT, ErrorCode.URGENT_LIMIT, "too many urgent messages");
        UUID root = threadRoot(chatId, draft.replyTo());
        List<Attachment> files = attachments.attachable(userId, chat.workspaceId(), draft.attachments());
        var cmd = new LogCommand.Post(chat.workspaceId(), chatId, userId, requireId(clientId), Uuid7.next(), text, root,
                Mentions.parse(text), podId, hlc.now(), clock.instant(), files, null);
        if (!draft.urgent()) return gated(chatId, commitAndPublish(cmd));
        return gated(chatId, log.append(cmd).thenApply(result -> {
            if (!result.duplicate()) {
                audit.info("urgent message {} in chat {} of workspace {} by user {}", cmd.messageId(), chatId,
                        chat.workspaceId(), userId);
                bus.publish(new BusEvent.UrgentPosted(chat.workspaceId(), chatId, result.message().id(), userId));
            }
            for (ChatEvent e : result.events()) bus.publish(new BusEvent.Committed(e));
            return result;
        }));
    }

    /** {@return the post's future, its ack held by the {@link AckGate} when the gate holds the chat's posts} */
    private CompletableFuture<LogResult> gated(UUID chatId, CompletableFuture<LogResult> committed) {
        AckGate gate = ackGate;
        return gate.holds(chatId) ? committed.thenCompose(r -> gate.release(chatId, r)) : committed;
    }

    /**
     * Posts on behalf of an integration (an incoming webhook): the message's sender is the integration's
     * own id, shown as {@code bot}; the integration's owner must be allowed to post in the chat now. Counts
     * against the integration's limit ({@link RateAction#WEBHOOK}), not the owner's.
     *
     * @param mentions who the post mentions (an integration's plain "@words" need not be mentions), or null to parse them
     * @param replyTo a message of the chat to reply to, or null; one that is not there posts at the top level
     */
    public CompletableFuture<LogResult> postAsIntegration(UUID integrationId, UUID ownerId, UUID chatId, String content,
                                                          Mentions mentions, UUID replyTo, BotProfile bot) {
        Chat chat = chatService.requirePostable(ownerId, chatId);
        String text = content(content);
        take(integrationId, RateAction.WEBHOOK, ErrorCode.RATE_LIMITED, "too many posts from this integration");
        UUID root = null;
        if (replyTo != null) {
            root = log.message(replyTo).filter(m -> m.chatId().equals(chatId) && !m.deleted())
                    .map(m -> m.threadRootId() != null ? m.threadRootId() : m.id()).orElse(null);
        }
        var cmd = new LogCommand.Post(chat.workspaceId(), chatId, integrationId, Uuid7.next(), Uuid7.next(), text, root,
                mentions != null ? mentions : Mentions.parse(text), podId, hlc.now(), clock.instant(), List.of(), Objects.requireNonNull(bot, "bot"));
        return gated(chatId, commitAndPublish(cmd));
    }

    /** {@return the thread root a reply to {@code replyTo} belongs to, or null for a top-level message} */
    private UUID threadRoot(UUID chatId, UUID replyTo) {
        if (replyTo == null) return null;
        Message parent = log.message(replyTo).filter(m -> m.chatId().equals(chatId))
                .orElseThrow(() -> ParleyException.notFound("replyTo is not a message of this chat"));
        if (parent.deleted()) throw ParleyException.invalid("cannot reply to a deleted message");
        return parent.threadRootId() != null ? parent.threadRootId() : parent.id();
    }

    private void take(UUID userId, RateAction action, ErrorCode code, String what) {
        RateLimiter.Decision d = limiter.acquire(userId, action, null);
        if (!d.allowed()) {
            throw new RateLimitedException(code, what + "; retry after " + d.retryAfterSeconds() + " s",
                    d.retryAfterSeconds(), d.limit(), d.remaining());
        }
    }

    /** Edits a message (its author only). */
    public CompletableFuture<LogResult> edit(UUID userId, UUID messageId, UUID clientId, String content) {
        Message m = existing(userId, messageId);
        Chat chat = chatService.requirePostable(userId, m.chatId());
        if (!m.senderId().equals(userId)) throw ParleyException.forbidden("only the author may edit a message");
        if (m.deleted()) throw ParleyException.notFound("the message was deleted");
        String text = content(content);
        var cmd = new LogCommand.Edit(chat.workspaceId(), chat.id(), userId, requireId(clientId), messageId, text,
                Mentions.parse(text), hlc.now(), clock.instant());
        return commitAndPublish(cmd);
    }

    /** Deletes a message (its author, or a workspace admin); deleting twice is not an error. */
    public CompletableFuture<LogResult> delete(UUID userId, UUID messageId, UUID clientId) {
        Message m = existing(userId, messageId);
        Chat chat = chatService.requireReadable(userId, m.chatId());
        if (!m.senderId().equals(userId)) {
            boolean admin = workspaces.membership(chat.workspaceId(), userId)
                    .map(ms -> ms.role().may(Permission.DELETE_ANY_MESSAGE)).orElse(false);
            if (!admin) throw ParleyException.forbidden("only the author or an admin may delete a message");
        } else if (chat.archived()) {
            throw new ParleyException(io.parley.core.error.ErrorCode.ARCHIVED, "the chat is archived");
        }
        var cmd = new LogCommand.Delete(chat.workspaceId(), chat.id(), userId, requireId(clientId), messageId, hlc.now(),
                clock.instant());
        return commitAndPublish(cmd);
    }

    /**
     * Adds or removes the caller's reaction; repeating either changes nothing. An added reaction is one emoji or a known
     * shortcode ({@link EmojiCatalog}), stored as the catalog spells it; a removal may also name a reaction stored before
     * the catalog checked them, so that it can be taken back (removing what is not there stores nothing).
     */
    public CompletableFuture<LogResult> react(UUID userId, UUID messageId, UUID clientId, String emoji, boolean add) {
        Message m = existing(userId, messageId);
        Chat chat = chatService.requirePostable(userId, m.chatId());
        if (m.deleted()) throw ParleyException.notFound("the message was deleted");
        String reaction = add ? this.emoji.require(emoji) : this.emoji.canonical(emoji).orElseGet(() -> legacyReaction(emoji));
        var cmd = new LogCommand.React(chat.workspaceId(), chat.id(), userId, requireId(clientId), messageId, reaction, add,
                hlc.now(), clock.instant());
        return commitAndPublish(cmd);
    }

    private String legacyReaction(String value) {
        if (value == null || !LEGACY_REACTION.matcher(value).matches()) return this.emoji.require(value); // throws its error
        return value;
    }

    private CompletableFuture<LogResult> commitAndPublish(LogCommand cmd) {
        return log.append(cmd).thenApply(result -> {
            for (ChatEvent e : result.events()) bus.publish(new BusEvent.Committed(e));
            return result;
        });
    }

    private Message existing(UUID userId, UUID messageId) {
        if (messageId == null) throw ParleyException.invalid("messageId is required");
        Message m = log.message(messageId).orElseThrow(() -> ParleyException.notFound("no such message"));
        chatService.requireReadable(userId, m.chatId());
        return m;
    }

    private static UUID requireId(UUID clientId) {
        if (clientId == null) throw ParleyException.invalid("id (a UUID) is required");
        return clientId;
    }

    private static String optionalContent(String content) {
        if (content == null) return "";
        return content.isBlank() ? "" : content(content);
    }

    private static String content(String content) {
        if (content == null || content.isBlank()) throw ParleyException.invalid("content is required");
        if (content.length() > Message.MAX_CONTENT) {
            throw new ParleyException(io.parley.core.error.ErrorCode.CONTENT_TOO_LONG,
                    "content is longer than " + Message.MAX_CONTENT + " characters");
        }
        return content;
    }

    /** {@return a page of top-level history} (see {@link MessageLog#history}) */
    public List<Message> history(UUID userId, UUID chatId, Long beforeSeq, Long afterSeq, int limit) {
        chatService.requireReadable(userId, chatId);
        return log.history(chatId, beforeSeq, afterSeq, clampPage(limit));
    }

    /** {@return a thread: its root first, then the replies in seq order} */
    public List<Message> thread(UUID userId, UUID rootId, int limit) {
        Message root = existing(userId, rootId);
        if (root.threadRootId() != null) return thread(userId, root.threadRootId(), limit);
        List<Message> replies = log.replies(rootId, clampPage(limit));
        var all = new java.util.ArrayList<Message>(replies.size() + 1);
        all.add(root);
        all.addAll(replies);
        return all;
    }

    /** {@return one message the caller may read} */
    public Message message(UUID userId, UUID messageId) {
        return existing(userId, messageId);
    }

    /** Gap-fill: the events of a chat after {@code lastSeq}, or {@code tooLarge} past {@link #MAX_SYNC_GAP}. */
    public SyncResult sync(UUID userId, UUID chatId, long lastSeq, int limit) {
        chatService.requireReadable(userId, chatId);
        if (lastSeq < 0) throw ParleyException.invalid("lastSeq must not be negative");
        List<ChatEvent> events = log.eventsAfter(chatId, lastSeq, MAX_SYNC_GAP + 1);
        if (events.size() > MAX_SYNC_GAP) return new SyncResult(chatId, List.of(), true, lastSeq, true);
        int page = clampPage(limit);
        boolean more = events.size() > page;
        List<ChatEvent> slice = more ? events.subList(0, page) : events;
        long cursor = slice.isEmpty() ? lastSeq : slice.getLast().seq();
        return new SyncResult(chatId, slice, more, cursor, false);
    }

    /** Moves the caller's read watermark up to {@code seq} (a message's seq) and tells the caller's other sessions. */
    public long markRead(UUID userId, UUID chatId, UUID messageId, Long seq) {
        Chat chat = chatService.requireReadable(userId, chatId);
        long upTo;
        if (messageId != null) {
            Message m = log.message(messageId).filter(x -> x.chatId().equals(chatId))
                    .orElseThrow(() -> ParleyException.notFound("messageId is not a message of this chat"));
            upTo = m.seq();
        } else if (seq != null && seq >= 0) {
            upTo = seq;
        } else {
            throw ParleyException.invalid("messageId or seq is required");
        }
        ReadKey key = new ReadKey(userId, chatId);
        if (!limiter.acquire(userId, RateAction.READ_MARK, null).allowed()) {
            // Over the limit: coalesce, latest wins; the periodic flush applies it (spec 002 §7.3).
            deferredMarks.merge(key, new DeferredMark(chat.workspaceId(), upTo),
                    (a, b) -> a.seq() >= b.seq() ? a : b);
            return upTo;
        }
        DeferredMark pending = deferredMarks.remove(key);
        if (pending != null && pending.seq() > upTo) upTo = pending.seq();
        applyReadMark(chat.workspaceId(), chatId, userId, upTo);
        return upTo;
    }

    /** Applies the read marks that were over the limit (latest per user and chat); called periodically. */
    public void flushDeferredReadMarks() {
        for (ReadKey key : deferredMarks.keySet()) {
            DeferredMark m = deferredMarks.remove(key);
            if (m != null) applyReadMark(m.workspaceId(), key.chatId(), key.userId(), m.seq());
        }
    }

    private void applyReadMark(UUID workspaceId, UUID chatId, UUID userId, long upTo) {
        chats.markRead(chatId, userId, upTo);
        bus.publish(new BusEvent.ReadMarked(workspaceId, chatId, userId, upTo));
    }

    private static int clampPage(int limit) {
        if (limit <= 0) return 50;
        return Math.min(limit, MAX_PAGE);
    }
}
