package io.parley.core.realtime;

import io.parley.core.auth.User;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.EventType;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.ManualClock;
import io.parley.core.fixtures.MemoryChatStore;
import io.parley.core.fixtures.MemoryUserStore;
import io.parley.core.fixtures.MemoryWorkspaceStore;
import io.parley.core.fixtures.RecordingBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The typing rules on a clock the test moves, over in-memory stores that hold one chat with Ana and Ben. */
class TypingServiceTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingBus bus = new RecordingBus();
    private final UUID ana = UUID.randomUUID();
    private final UUID ben = UUID.randomUUID();
    private final UUID cid = UUID.randomUUID();
    private final Chat chat = new Chat(UUID.randomUUID(), UUID.randomUUID(), ChatKind.PUBLIC_CHANNEL, "room", null, null, false,
            ana, Instant.EPOCH, 0, null);
    private final TypingService typing;

    TypingServiceTest() {
        MemoryUserStore users = new MemoryUserStore();
        users.insert(new User(ana, "ana@example.com", "ana", "Ana", null, Instant.EPOCH, false));
        users.insert(new User(ben, "ben@example.com", "ben", "Ben", null, Instant.EPOCH, false));
        typing = typingIn(List.of(ana, ben), users);
    }

    /** {@return a typing service over a store that holds {@link #chat} with these members} */
    private TypingService typingIn(List<UUID> members, MemoryUserStore users) {
        MemoryChatStore chats = new MemoryChatStore(clock);
        chats.create(chat, members);
        ChatService chatService = new ChatService(chats, new MemoryWorkspaceStore(chats), new ChatDirectory(chats), bus, clock);
        RealtimeSettings d = RealtimeSettings.DEFAULTS; // typing expires after 5 s; summary mode above 100 messages/s
        return new TypingService(chatService, users, new TokenBuckets(RateLimits.defaults(), clock), bus, clock, d);
    }

    private List<Boolean> indicators() {
        return bus.drain(BusEvent.TypingChanged.class).stream().map(BusEvent.TypingChanged::active).toList();
    }

    private void pass(Duration d) {
        clock.advance(d);
        typing.expire();
    }

    @Test
    void startsPublishOncePerSecondAndExpireFiveSecondsAfterTheLastAccepted() {
        typing.start(ana, chat.id());
        typing.start(ana, chat.id()); // dropped: no indicator, no refresh
        assertEquals(List.of(true), indicators());
        pass(Duration.ofSeconds(3));
        typing.start(ana, chat.id()); // a refresh after 3 s: accepted
        assertEquals(List.of(true), indicators());
        pass(Duration.ofMillis(4900));
        assertEquals(List.of(), indicators(), "5 s since the refresh, not since the first start");
        pass(Duration.ofMillis(200));
        assertEquals(List.of(false), indicators());
        pass(Duration.ofSeconds(10));
        assertEquals(List.of(), indicators(), "ended once");
    }

    @Test
    void aBigChatCapsTypingAnnouncementsPerSecond() {
        List<UUID> crowd = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) crowd.add(UUID.randomUUID()); // 20,000 frames / 10,000 members = 2 starts a second
        MemoryUserStore users = new MemoryUserStore();
        for (int i = 0; i < 6; i++) {
            users.insert(new User(crowd.get(i), "x" + i + "@example.com", "x" + i, "X" + i, null, Instant.EPOCH, false));
        }
        TypingService storm = typingIn(crowd, users);
        for (int i = 0; i < 5; i++) storm.start(crowd.get(i), chat.id());
        assertEquals(List.of(true, true), indicators(), "the rest of this second's starts are dropped");
        clock.advance(Duration.ofSeconds(1));
        storm.start(crowd.get(5), chat.id());
        assertEquals(List.of(true), indicators(), "a new second, a new budget");
    }

    @Test
    void theIndicatorNamesTheTyper() {
        typing.start(ana, chat.id());
        var t = (BusEvent.TypingChanged) bus.events().getFirst();
        assertEquals(new BusEvent.TypingChanged(chat.id(), ana, "Ana", true), t);
    }

    @Test
    void aPostedMessageOrAStopEndsTypingOnce() {
        typing.start(ana, chat.id());
        typing.start(ben, chat.id());
        indicators();
        typing.onEvent(new BusEvent.Committed(new ChatEvent(chat.workspaceId(), chat.id(), 1, EventType.MESSAGE_POSTED, ana, null, null, clock.instant())));
        assertEquals(List.of(false), indicators());
        typing.onEvent(new BusEvent.Committed(new ChatEvent(chat.workspaceId(), chat.id(), 2, EventType.REACTION_ADDED, ben, ":x:", null, clock.instant())));
        assertEquals(List.of(), indicators(), "a reaction is not a message");
        typing.stop(ben, chat.id());
        typing.stop(ben, chat.id());
        typing.stop(ana, chat.id());
        assertEquals(List.of(false), indicators());
        assertEquals(0, typing.activeCount());
    }

    private void post(UUID who, int n) {
        for (int i = 0; i < n; i++) {
            typing.onEvent(new BusEvent.Committed(new ChatEvent(chat.workspaceId(), chat.id(), i, EventType.MESSAGE_POSTED, who, null, null, clock.instant())));
        }
    }

    @Test
    void aChatPostingOverAHundredMessagesASecondSuppressesTyping() {
        clock.advance(Duration.ofMillis(1000 - clock.millis() % 1000)); // the start of a second
        post(ben, 100);
        assertFalse(typing.inSummaryMode(chat.id()), "100 is not over 100");
        post(ben, 1);
        typing.start(ana, chat.id());
        assertEquals(List.of(), indicators(), "dropped silently in summary mode");
        pass(Duration.ofMillis(1500));
        assertTrue(typing.inSummaryMode(chat.id()), "the previous second still counts");
        post(ben, 3);
        pass(Duration.ofSeconds(1));
        assertFalse(typing.inSummaryMode(chat.id()), "calm again");
        typing.start(ana, chat.id());
        assertEquals(List.of(true), indicators());
    }

    @Test
    void onlyMembersMayType() {
        var e = assertThrows(ParleyException.class, () -> typing.start(cid, chat.id()));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertThrows(ParleyException.class, () -> typing.start(ana, UUID.randomUUID()));
        assertEquals(List.of(), indicators());
    }
}
