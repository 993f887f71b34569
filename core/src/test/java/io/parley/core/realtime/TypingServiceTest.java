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
import io.parley.core.realtime.PresenceServiceTest.RecordingBus;
import io.parley.core.realtime.PresenceServiceTest.TestClock;
import io.parley.core.store.ChatStore;
import io.parley.core.store.UserStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The typing rules on a clock the test moves, over stores that know one chat with Ana and Ben. */
class TypingServiceTest {
    private final TestClock clock = new TestClock();
    private final RecordingBus bus = new RecordingBus();
    private final UUID ana = UUID.randomUUID();
    private final UUID ben = UUID.randomUUID();
    private final UUID cid = UUID.randomUUID();
    private final Chat chat = new Chat(UUID.randomUUID(), UUID.randomUUID(), ChatKind.PUBLIC_CHANNEL, "room", null, null, false,
            ana, Instant.EPOCH, 0, null);
    private final TypingService typing;

    TypingServiceTest() {
        ChatStore chats = stub(ChatStore.class, (method, args) -> switch (method) {
            case "byId" -> Optional.of(chat).filter(c -> c.id().equals(args[0]));
            case "memberIds" -> List.of(ana, ben);
            default -> throw new UnsupportedOperationException(method);
        });
        UserStore users = stub(UserStore.class, (method, args) -> switch (method) {
            case "byId" -> Optional.of(new User((UUID) args[0], "a@example.com", "ana", "Ana", null, Instant.EPOCH, false));
            default -> throw new UnsupportedOperationException(method);
        });
        ChatService chatService = new ChatService(chats, null, new ChatDirectory(chats), bus, clock);
        RealtimeSettings d = RealtimeSettings.DEFAULTS; // typing expires after 5 s; summary mode above 100 messages/s
        typing = new TypingService(chatService, users, new TokenBuckets(RateLimits.defaults(), clock), bus, clock, d);
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T stub(Class<T> port, Answer answer) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[]{port},
                (proxy, m, args) -> answer.answer(m.getName(), args)));
    }

    private List<Boolean> indicators() {
        List<Boolean> out = bus.events.stream().filter(e -> e instanceof BusEvent.TypingChanged)
                .map(e -> ((BusEvent.TypingChanged) e).active()).toList();
        bus.events.clear();
        return out;
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
        ChatStore big = stub(ChatStore.class, (method, args) -> switch (method) {
            case "byId" -> Optional.of(chat);
            case "memberIds" -> crowd;
            default -> throw new UnsupportedOperationException(method);
        });
        UserStore users = stub(UserStore.class, (method, args) -> Optional.of(
                new User((UUID) args[0], "x@example.com", "x", "X", null, Instant.EPOCH, false)));
        TypingService storm = new TypingService(new ChatService(big, null, new ChatDirectory(big), bus, clock), users,
                new TokenBuckets(RateLimits.defaults(), clock), bus, clock, RealtimeSettings.DEFAULTS);
        for (int i = 0; i < 5; i++) storm.start(crowd.get(i), chat.id());
        assertEquals(List.of(true, true), indicators(), "the rest of this second's starts are dropped");
        clock.advance(Duration.ofSeconds(1));
        storm.start(crowd.get(5), chat.id());
        assertEquals(List.of(true), indicators(), "a new second, a new budget");
    }

    @Test
    void theIndicatorNamesTheTyper() {
        typing.start(ana, chat.id());
        var t = (BusEvent.TypingChanged) bus.events.getFirst();
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
