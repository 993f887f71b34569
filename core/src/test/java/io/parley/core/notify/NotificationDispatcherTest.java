package io.parley.core.notify;

import io.parley.core.auth.User;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.fixtures.MemoryChatStore;
import io.parley.core.fixtures.MemoryPreferenceStore;
import io.parley.core.fixtures.MemoryUserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The dispatcher's counters over in-memory stores: seeded from the store, never counting an event twice. */
@Timeout(20)
class NotificationDispatcherTest {
    private static final Instant T0 = Instant.parse("2026-01-15T12:00:00Z");
    private final UUID ws = UUID.randomUUID();
    private final UUID sender = UUID.randomUUID();
    private final UUID reader = UUID.randomUUID();
    private final Chat chat = new Chat(UUID.randomUUID(), ws, ChatKind.PUBLIC_CHANNEL, "general", null, null, false, sender,
            T0, 0, null);
    private final AtomicReference<UnreadStore.UnreadCount> stored = new AtomicReference<>();
    private final LinkedBlockingQueue<NotificationSink.Badge> badges = new LinkedBlockingQueue<>();
    private NotificationDispatcher dispatcher;

    private void start() {
        MemoryChatStore chats = new MemoryChatStore(Clock.systemUTC());
        chats.create(chat, List.of(sender, reader));
        MemoryUserStore users = new MemoryUserStore();
        users.insert(new User(sender, "sender@example.com", "sender", "Sender", "h", T0, false));
        users.insert(new User(reader, "reader@example.com", "reader", "Reader", "h", T0, false));
        PreferenceStore prefStore = new MemoryPreferenceStore();
        UnreadStore unread = new UnreadStore() {
            @Override
            public List<UnreadCount> unread(UUID userId) { return List.of(stored.get()); }

            @Override
            public UnreadCount unread(UUID userId, UUID chatId) { return stored.get(); }
        };
        NotificationSink sink = new NotificationSink() {
            @Override
            public boolean online(UUID userId) { return userId.equals(reader); }

            @Override
            public void badge(UUID userId, Badge badge) { badges.add(badge); }

            @Override
            public void toast(UUID userId, Toast toast) { }
        };
        dispatcher = new NotificationDispatcher(new NotificationDispatcher.Ports(new ChatDirectory(chats), users,
                new PreferenceService(prefStore, null), unread, sink, n -> { }), NotificationDispatcher.Presence.NONE,
                Clock.systemUTC(), new NotificationDispatcher.Settings(Duration.ofMillis(20), Duration.ofSeconds(1), 100));
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) dispatcher.close();
    }

    private BusEvent posted(long seq) {
        Message m = new Message(UUID.randomUUID(), chat.id(), seq, sender, UUID.randomUUID(), "m" + seq, null, 0, null, List.of(),
                Mentions.NONE, List.of(), T0, null, null, "local", seq, List.of(), null);
        return new BusEvent.Committed(new ChatEvent(ws, chat.id(), seq, EventType.MESSAGE_POSTED, sender, null, m, T0));
    }

    /** {@return the first badge with this unread count; every badge before it must not exceed it (no double counting)} */
    private NotificationSink.Badge awaitUnread(int unread) throws InterruptedException {
        while (true) {
            NotificationSink.Badge b = badges.poll(5, TimeUnit.SECONDS);
            assertNotNull(b, "no badge with unread " + unread);
            if (b.unreadCount() == unread) return b;
            if (b.unreadCount() > unread) throw new AssertionError("counted twice: " + b);
        }
    }

    @Test
    void theSeedingLoadCountsWhatItSawAndLaterMessagesAddOne() throws InterruptedException {
        start();
        // The store already holds seqs 1 and 2 when the dispatcher first loads the reader (events still queued).
        stored.set(new UnreadStore.UnreadCount(ws, chat.id(), 0, 2, 2, 0));
        dispatcher.onEvent(posted(1));
        dispatcher.onEvent(posted(2));
        awaitUnread(2);
        dispatcher.onEvent(posted(3));
        NotificationSink.Badge b = awaitUnread(3);
        assertEquals(3, b.totalUnread());

        stored.set(new UnreadStore.UnreadCount(ws, chat.id(), 3, 3, 0, 0));
        dispatcher.onEvent(new BusEvent.ReadMarked(ws, chat.id(), reader, 3));
        NotificationSink.Badge read = awaitUnread(0);
        assertEquals(3, read.lastReadSeq());
        assertEquals(0, read.totalUnread());
    }
}
