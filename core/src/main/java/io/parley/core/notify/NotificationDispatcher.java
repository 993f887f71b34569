package io.parley.core.notify;

import io.parley.core.auth.User;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.Message;
import io.parley.core.store.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The notification pipeline of spec 002 §3: badges, toasts and pushes for committed messages, off the
 * delivery path.
 *
 * <p><b>Threading.</b> {@link #onEvent} (the bus thread) only offers relevant events to a bounded queue; one
 * platform thread ({@link Worker}) owns every structure below, so nothing here is locked. When the queue is
 * full the event is dropped and the in-memory counters are discarded, to be re-derived from the store: badges
 * may be late under overload, never wrong for long.
 *
 * <p><b>Badges.</b> Counts are derived from the store ({@link UnreadStore}) and kept incrementally only for
 * users connected to this node: the first event concerning such a user loads all their chats in one query;
 * a new top-level message by someone else adds one (and one mention if it mentions them); a read mark or an
 * edit re-derives that chat from the store; a delete subtracts. Each loaded chat remembers the chat's seq at
 * load time, so an event the load already counted is not counted twice. Users not connected are dropped.
 * Changed chats are flushed as {@code notification.badge} once per {@code badgeInterval}: at most one frame per
 * chat per user per interval however busy the chat.
 *
 * <p><b>Toasts and pushes.</b> For each recipient {@link NotificationRules} decides; online users get a
 * toast, offline ones a push through {@link PushSender}. The first message of a chat raises a toast at once
 * and opens a {@code toastGroupWindow} for (user, chat); messages inside it are counted and raised as one
 * grouped toast ("3 new messages in #general") when it closes (a single one as itself). Urgent messages are never grouped. Thread
 * replies notify only those they mention.
 */
public final class NotificationDispatcher implements Bus.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    static final int BODY_MAX = 100;

    /**
     * @param badgeInterval how often changed badges are flushed (250 ms)
     * @param toastGroupWindow how long after a toast further messages of the chat are grouped (5 s)
     * @param queueMax events waiting for the worker before overflow (100,000)
     */
    public record Settings(Duration badgeInterval, Duration toastGroupWindow, int queueMax) {
        public static final Settings DEFAULTS = new Settings(Duration.ofMillis(250), Duration.ofSeconds(5), 100_000);
    }

    private final ChatDirectory directory;
    private final UserStore users;
    private final PreferenceService prefs;
    private final UnreadStore unread;
    private final NotificationSink sink;
    private final PushSender push;
    private final Clock clock;
    private final Settings settings;
    /** An event and whether this node published it (pushes are sent by the publishing node only). */
    private record Item(BusEvent event, boolean publishedHere) {}

    private final ArrayBlockingQueue<Item> queue;
    private volatile boolean overflowed;
    private volatile boolean running = true;
    private final Thread thread;

    // ---- confined to the worker thread ----
    private final Map<UUID, UserCounts> counts = new HashMap<>();
    private final Map<UUID, Set<UUID>> dirty = new LinkedHashMap<>();
    private final Map<GroupKey, Group> groups = new HashMap<>();
    private final Set<UUID> urgent = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) { return size() > 10_000; }
    });
    private final Map<UUID, User> userCache = new HashMap<>();
    private final Map<String, UUID> handleCache = new HashMap<>();

    private final Predicate<UUID> presenceDnd;
    private final Predicate<UUID> connectedElsewhere;

    /**
     * What the dispatcher reads and where it sends: who is in which chat, users, notification preferences, unread
     * counts from the store, the toasts and badges of users connected here, and pushes to everyone else.
     */
    public record Ports(ChatDirectory directory, UserStore users, PreferenceService prefs, UnreadStore unread,
                        NotificationSink sink, PushSender push) {
        public Ports {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(users, "users");
            Objects.requireNonNull(prefs, "prefs");
            Objects.requireNonNull(unread, "unread");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(push, "push");
        }
    }

    /**
     * What the dispatcher asks of presence.
     *
     * @param dnd whether a user has set their presence to do-not-disturb: it silences toasts and pushes like the DND
     *     of the preferences (urgent messages still get through)
     * @param connectedElsewhere whether a user not connected here has a connection on another node of the pod: that
     *     node toasts them, so nobody pushes to them
     */
    public record Presence(Predicate<UUID> dnd, Predicate<UUID> connectedElsewhere) {
        /** Nobody is on do-not-disturb and nobody is connected elsewhere (one node without presence; tests). */
        public static final Presence NONE = new Presence(userId -> false, userId -> false);

        public Presence {
            Objects.requireNonNull(dnd, "dnd");
            Objects.requireNonNull(connectedElsewhere, "connectedElsewhere");
        }
    }

    public NotificationDispatcher(Ports ports, Presence presence, Clock clock, Settings settings) {
        this.directory = ports.directory();
        this.users = ports.users();
        this.prefs = ports.prefs();
        this.unread = ports.unread();
        this.sink = ports.sink();
        this.push = ports.push();
        this.presenceDnd = presence.dnd();
        this.connectedElsewhere = presence.connectedElsewhere();
        this.clock = clock;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueMax());
        this.thread = Thread.ofPlatform().name("parley-notify").daemon().start(new Worker());
    }

    @Override
    public void onEvent(BusEvent event) {
        onEvent(event, true);
    }

    /**
     * Badges and toasts follow every event (for the users connected here); a push to someone connected nowhere is
     * sent only for events {@code publishedHere}, so exactly one node of a pod sends it.
     */
    @Override
    public void onEvent(BusEvent event, boolean publishedHere) {
        boolean relevant = switch (event) {
            case BusEvent.Committed c -> switch (c.event().type()) {
                case MESSAGE_POSTED, MESSAGE_EDITED, MESSAGE_DELETED -> true;
                default -> false;
            };
            case BusEvent.ReadMarked r -> true;
            case BusEvent.UrgentPosted u -> true;
            case BusEvent.MembershipChanged m -> true;
            case BusEvent.ChatChanged c -> false;
            case BusEvent.SessionsRevoked s -> false;
            case BusEvent.TypingChanged t -> false;
            case BusEvent.PresenceChanged p -> false;
            case BusEvent.OrgPeersChanged o -> false;
        };
        if (relevant && !queue.offer(new Item(event, publishedHere))) overflowed = true;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    /** The worker: events in bus order, and a flush of badges and closed toast groups every badge interval. */
    private final class Worker implements Runnable {
        @Override
        public void run() {
            long interval = settings.badgeInterval().toNanos();
            long nextFlush = System.nanoTime() + interval;
            while (running) {
                try {
                    Item e = queue.poll(Math.max(0, nextFlush - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (overflowed) {
                        overflowed = false;
                        log.warn("notification queue overflowed; badge counters will be re-derived from the store");
                        counts.clear();
                    }
                    if (e != null) handle(e);
                    if (System.nanoTime() >= nextFlush) {
                        flush();
                        nextFlush = System.nanoTime() + interval;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException ex) {
                    log.error("notification worker failed on an event; continuing", ex);
                }
            }
        }
    }

    // ---- events --------------------------------------------------------------------------------

    private void handle(Item item) {
        switch (item.event()) {
            case BusEvent.Committed c -> {
                ChatEvent e = c.event();
                switch (e.type()) {
                    case MESSAGE_POSTED -> posted(e, item.publishedHere());
                    case MESSAGE_EDITED -> rederiveUnreadMembers(e);
                    case MESSAGE_DELETED -> deleted(e);
                    default -> { }
                }
            }
            case BusEvent.ReadMarked r -> refresh(r.userId(), r.chatId());
            case BusEvent.UrgentPosted u -> urgent.add(u.messageId());
            case BusEvent.MembershipChanged m -> refresh(m.userId(), m.chatId());
            case BusEvent.ChatChanged ignored -> { }
            case BusEvent.SessionsRevoked ignored -> { }
            case BusEvent.TypingChanged ignored -> { }
            case BusEvent.PresenceChanged ignored -> { }
            case BusEvent.OrgPeersChanged ignored -> { }
        }
    }

    private void posted(ChatEvent e, boolean publishedHere) {
        Message m = e.message();
        boolean isUrgent = urgent.remove(m.id());
        Chat chat = directory.find(e.chatId()).orElse(null);
        if (chat == null || m.deleted()) return;
        boolean topLevel = m.threadRootId() == null;
        Set<UUID> direct = mentionedIds(m);
        boolean broadcast = m.mentions().channel();
        boolean here = m.mentions().here();
        for (UUID member : directory.members(chat.id())) {
            if (member.equals(m.senderId())) continue;
            boolean online = sink.online(member);
            NotificationRules.Mention mention = direct.contains(member) ? NotificationRules.Mention.DIRECT
                    : broadcast || (here && online) ? NotificationRules.Mention.BROADCAST : NotificationRules.Mention.NONE;
            if (online) {
                if (topLevel) countNew(member, chat, e.seq(), mention != NotificationRules.Mention.NONE || here);
            } else {
                counts.remove(member);
            }
            if (!topLevel && mention == NotificationRules.Mention.NONE && !isUrgent) continue;
            // Not connected here: a push, from the publishing node only, and only if connected nowhere in the pod.
            if (!online && (!publishedHere || connectedElsewhere.test(member))) continue;
            if (!isUrgent && presenceDnd.test(member)) continue; // presence "dnd": badge only, like DND in the preferences
            boolean notify = NotificationRules.shouldNotify(prefs.global(member), prefs.effective(member, chat), isUrgent,
                    mention, clock.instant());
            if (!notify) continue;
            if (online) toast(member, chat, m, isUrgent);
            else push.send(new Notification(member, chat.workspaceId(), chat.id(), m.id(),
                    title(chat, m), body(m), isUrgent ? Notification.Priority.URGENT : Notification.Priority.NORMAL,
                    m.createdAt()));
        }
    }

    private void countNew(UUID member, Chat chat, long seq, boolean mentioned) {
        UserCounts uc = counts.get(member);
        if (uc == null) {
            uc = new UserCounts();
            for (UnreadStore.UnreadCount u : unread.unread(member)) uc.put(u);
            counts.put(member, uc);
        } else {
            ChatCount cc = uc.chats.get(chat.id());
            if (cc == null) {
                uc.put(unread.unread(member, chat.id()));
            } else if (seq > cc.countedUpTo && seq > cc.lastReadSeq) {
                uc.add(cc, 1, mentioned ? 1 : 0);
                cc.countedUpTo = seq;
            }
        }
        markDirty(member, chat.id());
    }

    private void deleted(ChatEvent e) {
        Message m = e.message();
        if (m.threadRootId() != null) return;
        for (UUID member : directory.members(e.chatId())) {
            if (member.equals(m.senderId())) continue;
            UserCounts uc = counts.get(member);
            if (uc == null) continue;
            ChatCount cc = uc.chats.get(e.chatId());
            if (cc == null || e.seq() <= cc.countedUpTo || m.seq() <= cc.lastReadSeq) continue;
            // The tombstone no longer carries its mentions: re-derive when mentions may be involved.
            if (cc.mentions > 0) {
                uc.put(unread.unread(member, e.chatId()));
            } else {
                uc.add(cc, -1, 0);
                cc.countedUpTo = e.seq();
            }
            markDirty(member, e.chatId());
        }
    }

    /** An edit may add or drop mentions: re-derive the chat for loaded members who have not read the message. */
    private void rederiveUnreadMembers(ChatEvent e) {
        Message m = e.message();
        if (m.threadRootId() != null) return;
        for (UUID member : directory.members(e.chatId())) {
            UserCounts uc = counts.get(member);
            if (uc == null || member.equals(m.senderId())) continue;
            ChatCount cc = uc.chats.get(e.chatId());
            if (cc == null || e.seq() <= cc.countedUpTo || m.seq() <= cc.lastReadSeq) continue;
            uc.put(unread.unread(member, e.chatId()));
            markDirty(member, e.chatId());
        }
    }

    /** Re-derives one chat of a connected user from the store (read mark, membership change). */
    private void refresh(UUID userId, UUID chatId) {
        if (!sink.online(userId)) {
            counts.remove(userId);
            return;
        }
        UserCounts uc = counts.get(userId);
        if (uc == null) {
            uc = new UserCounts();
            for (UnreadStore.UnreadCount u : unread.unread(userId)) uc.put(u);
            counts.put(userId, uc);
        } else {
            UnreadStore.UnreadCount fresh = unread.unread(userId, chatId);
            if (fresh.workspaceId() == null) uc.remove(chatId);
            else uc.put(fresh);
        }
        markDirty(userId, chatId);
    }

    private void markDirty(UUID userId, UUID chatId) {
        dirty.computeIfAbsent(userId, k -> new HashSet<>()).add(chatId);
    }

    // ---- flushing ------------------------------------------------------------------------------

    private void flush() {
        for (var entry : dirty.entrySet()) {
            UserCounts uc = counts.get(entry.getKey());
            if (uc == null) continue;
            for (UUID chatId : entry.getValue()) {
                ChatCount cc = uc.chats.get(chatId);
                UUID ws = cc == null ? directory.find(chatId).map(Chat::workspaceId).orElse(null) : cc.workspaceId;
                sink.badge(entry.getKey(), new NotificationSink.Badge(ws, chatId, cc == null ? 0 : cc.unread,
                        cc == null ? 0 : cc.mentions, cc == null ? 0 : cc.lastReadSeq, uc.totalUnread, uc.totalMentions));
            }
        }
        dirty.clear();
        long now = System.nanoTime();
        for (Iterator<Map.Entry<GroupKey, Group>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            var g = it.next();
            if (now < g.getValue().until) continue;
            it.remove();
            Group group = g.getValue();
            if (group.pending == 0) continue;
            Chat chat = directory.find(g.getKey().chatId()).orElse(null);
            if (chat == null) continue;
            if (group.pending == 1) {
                // One message held back: show it, not "1 new message in #x".
                sendToast(g.getKey().userId(), chat, group.latest, title(chat, group.latest), body(group.latest), false, 1);
                continue;
            }
            String where = chat.kind().isChannel() ? "#" + chat.name() : "this conversation";
            String body = group.pending + " new message" + (group.pending == 1 ? "" : "s") + " in " + where;
            sendToast(g.getKey().userId(), chat, group.latest, chat.kind().isChannel() ? "#" + chat.name() : title(chat, group.latest),
                    body, false, group.pending);
        }
    }

    private void toast(UUID userId, Chat chat, Message m, boolean isUrgent) {
        if (isUrgent) {
            sendToast(userId, chat, m, title(chat, m), body(m), true, 1);
            return;
        }
        GroupKey key = new GroupKey(userId, chat.id());
        Group g = groups.get(key);
        long now = System.nanoTime();
        if (g == null || now >= g.until) {
            sendToast(userId, chat, m, title(chat, m), body(m), false, 1);
            groups.put(key, new Group(now + settings.toastGroupWindow().toNanos()));
        } else {
            g.pending++;
            g.latest = m;
        }
    }

    private void sendToast(UUID userId, Chat chat, Message m, String title, String body, boolean isUrgent, int count) {
        boolean sound = prefs.global(userId).sound() && prefs.effective(userId, chat).sound();
        sink.toast(userId, new NotificationSink.Toast(UUID.randomUUID(), title, body, chat.workspaceId(), chat.id(), m.id(),
                isUrgent ? Notification.Priority.URGENT : Notification.Priority.NORMAL, sound, count, clock.instant()));
    }

    // ---- text ----------------------------------------------------------------------------------

    private String title(Chat chat, Message m) {
        String name;
        if (m.bot() != null) {
            name = m.bot().name(); // an integration's post: the name it asked to be shown with
        } else {
            User sender = user(m.senderId());
            name = sender == null ? "Someone" : sender.displayName();
        }
        return chat.kind().isChannel() ? name + " in #" + chat.name() : name;
    }

    /** {@return the text of a message's notification: its content, or the names of its files when it has no text} */
    static String body(Message m) {
        if (!m.content().isBlank() || m.attachments().isEmpty()) return body(m.content());
        StringBuilder b = new StringBuilder(m.attachments().size() == 1 ? "sent a file: " : "sent files: ");
        for (int i = 0; i < m.attachments().size(); i++) b.append(i == 0 ? "" : ", ").append(m.attachments().get(i).name());
        return body(b.toString());
    }

    /** {@return the content cut to at most 100 characters (an ellipsis marks the cut), never splitting a surrogate pair} */
    static String body(String content) {
        if (content.length() <= BODY_MAX) return content;
        int end = BODY_MAX - 1;
        if (Character.isHighSurrogate(content.charAt(end - 1))) end--;
        return content.substring(0, end) + "…";
    }

    private User user(UUID id) {
        if (userCache.size() > 100_000) userCache.clear();
        return userCache.computeIfAbsent(id, k -> users.byId(k).orElse(null));
    }

    private Set<UUID> mentionedIds(Message m) {
        if (m.mentions().handles().isEmpty()) return Set.of();
        if (handleCache.size() > 100_000) handleCache.clear();
        Set<UUID> ids = new HashSet<>();
        for (String h : m.mentions().handles()) {
            UUID id = handleCache.computeIfAbsent(h, k -> users.byHandle(k).map(User::id).orElse(null));
            if (id != null) ids.add(id);
        }
        return ids;
    }

    // ---- state ---------------------------------------------------------------------------------

    private record GroupKey(UUID userId, UUID chatId) {}

    private static final class Group {
        final long until;
        int pending;
        Message latest;

        Group(long until) { this.until = until; }
    }

    private static final class ChatCount {
        UUID workspaceId;
        long lastReadSeq;
        long countedUpTo;
        int unread;
        int mentions;
    }

    /** One connected user's counts per chat and totals. */
    private static final class UserCounts {
        final Map<UUID, ChatCount> chats = new HashMap<>();
        int totalUnread;
        int totalMentions;

        void put(UnreadStore.UnreadCount u) {
            remove(u.chatId());
            ChatCount cc = new ChatCount();
            cc.workspaceId = u.workspaceId();
            cc.lastReadSeq = u.lastReadSeq();
            cc.countedUpTo = u.chatSeq();
            cc.unread = u.unread();
            cc.mentions = u.mentions();
            chats.put(u.chatId(), cc);
            totalUnread += cc.unread;
            totalMentions += cc.mentions;
        }

        void remove(UUID chatId) {
            ChatCount old = chats.remove(chatId);
            if (old != null) {
                totalUnread -= old.unread;
                totalMentions -= old.mentions;
            }
        }

        void add(ChatCount cc, int unreadDelta, int mentionDelta) {
            int unread = Math.max(0, cc.unread + unreadDelta);
            int mentions = Math.max(0, cc.mentions + mentionDelta);
            totalUnread += unread - cc.unread;
            totalMentions += mentions - cc.mentions;
            cc.unread = unread;
            cc.mentions = mentions;
        }
    }
}
