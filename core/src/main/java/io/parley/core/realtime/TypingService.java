package io.parley.core.realtime;

import io.parley.core.auth.User;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.EventType;
import io.parley.core.store.UserStore;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typing indicators (spec 002 §4.3). Ephemeral: the state is a map in memory and never stored.
 *
 * <p>Algorithm. {@link #start} checks that the user may post in the chat, then takes a token from
 * the user's typing bucket for that chat (1 per second); without a token the start is dropped
 * silently: it neither refreshes the state nor reaches anyone. An accepted start (re)arms the
 * state's deadline {@code typingExpiry} ahead and publishes {@code TypingChanged(active)} on the
 * bus, so receivers that missed an earlier indicator catch up on the client's next refresh
 * (clients repeat {@code typing.start} every 3 s). The state ends, with {@code TypingChanged(inactive)},
 * on {@link #stop}, when {@link #expire} finds its deadline passed, or when the bus carries a
 * message the user posted in the chat — by any interface, REST included.
 *
 * <p>Summary mode (spec 002 §7.4). The service counts the messages each chat posts per second
 * (from the same bus events). While a chat posted more than {@code typingSummaryAbove} in the
 * current or the previous second, starts in it are dropped like rate-limited ones: in a firehose
 * nobody can follow per-user indicators, and the messages themselves show who is active.
 *
 * <p>Fan-out budget. Each indicator goes to every other member, so a typing storm in a big channel
 * would cost more frames than its messages. Announcements per chat are capped at
 * {@link #FANOUT_BUDGET} frames a second ({@code budget / members} starts a second, at least one);
 * starts past it are dropped like rate-limited ones. Small chats never meet the cap.
 *
 * <p>Caveat: the state lives on the node that took the start; on several nodes each node expires
 * its own, which is what the one bus path needs.
 */
public final class TypingService implements Bus.Listener {
    private record Key(UUID chatId, UUID userId) {}

    /** One user typing in one chat; replaced (not mutated) on refresh so removal can compare values. */
    private record Typing(String displayName, long expiresAtMillis) {}

    /** Messages a chat posted in one second, and in the second before it. Guarded by its monitor. */
    private static final class Rate {
        long second;
        int count;
        int previous;
    }

    private final ChatService chats;
    private final UserStore users;
    private final RateLimiter limiter;
    private final Bus bus;
    private final Clock clock;
    private final long expiryMillis;
    private final int summaryAbove;
    private final ConcurrentHashMap<Key, Typing> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Rate> rates = new ConcurrentHashMap<>();
    /** Typing announcements per chat per second (the fan-out budget); same shape as the message rate. */
    private final ConcurrentHashMap<UUID, Rate> announced = new ConcurrentHashMap<>();

    /** Typing frames a chat may cause per second, across all its members. */
    static final int FANOUT_BUDGET = 20_000;

    public TypingService(ChatService chats, UserStore users, RateLimiter limiter, Bus bus, Clock clock, RealtimeSettings settings) {
        this.chats = chats;
        this.users = users;
        this.limiter = limiter;
        this.bus = bus;
        this.clock = clock;
        this.expiryMillis = settings.typingExpiry().toMillis();
        this.summaryAbove = settings.typingSummaryAbove();
    }

    /**
     * The user typed in the chat.
     *
     * @throws io.parley.core.error.ParleyException FORBIDDEN unless the user is a member; ARCHIVED if the chat is read-only
     */
    public void start(UUID userId, UUID chatId) {
        chats.requirePostable(userId, chatId);
        if (inSummaryMode(chatId)) return; // spec 002 §7.4
        if (!limiter.acquire(userId, RateAction.TYPING, chatId).allowed()) return; // spec 002 §7.3: dropped silently
        if (!withinFanOutBudget(chatId)) return; // ephemeral traffic degrades first (spec 002 §7.4)
        Key key = new Key(chatId, userId);
        Typing previous = active.get(key);
        String name = previous != null ? previous.displayName() : displayName(userId);
        active.put(key, new Typing(name, clock.millis() + expiryMillis));
        bus.publish(new BusEvent.TypingChanged(chatId, userId, name, true));
    }

    /**
     * The user stopped typing; nothing happens if they were not typing.
     *
     * @throws io.parley.core.error.ParleyException FORBIDDEN unless the user is a member
     */
    public void stop(UUID userId, UUID chatId) {
        chats.requirePostable(userId, chatId);
        end(new Key(chatId, userId));
    }

    /** Ends every typing state whose deadline has passed, and forgets quiet chats' rates (run by the realtime timer). */
    public void expire() {
        long now = clock.millis();
        long second = now / 1000;
        for (var map : java.util.List.of(rates, announced)) {
            if (map.isEmpty()) continue;
            map.values().removeIf(r -> {
                synchronized (r) {
                    return r.second < second - 1;
                }
            });
        }
        if (active.isEmpty()) return;
        active.forEach((key, typing) -> {
            if (typing.expiresAtMillis() <= now && active.remove(key, typing)) publishEnd(key, typing);
        });
    }

    /** {@return how many users are typing somewhere, on this node} */
    public int activeCount() {
        return active.size();
    }

    /** Sending a message ends the sender's typing state in that chat; every message counts toward summary mode. */
    @Override
    public void onEvent(BusEvent event) {
        if (event instanceof BusEvent.Committed(ChatEvent e) && e.type() == EventType.MESSAGE_POSTED) {
            count(e.chatId());
            if (!active.isEmpty()) end(new Key(e.chatId(), e.actorId()));
        }
    }

    private void count(UUID chatId) {
        long second = clock.millis() / 1000;
        Rate r = rates.computeIfAbsent(chatId, k -> new Rate());
        synchronized (r) {
            if (r.second != second) {
                r.previous = r.second == second - 1 ? r.count : 0;
                r.second = second;
                r.count = 0;
            }
            r.count++;
        }
    }

    /** {@return whether the chat posted more than the summary threshold in this second or the previous one} */
    /** Counts an announcement against the chat's budget; {@return false when the budget of this second is spent} */
    private boolean withinFanOutBudget(UUID chatId) {
        int perSecond = Math.max(1, FANOUT_BUDGET / Math.max(1, chats.memberCount(chatId)));
        long second = clock.millis() / 1000;
        Rate r = announced.computeIfAbsent(chatId, k -> new Rate());
        synchronized (r) {
            if (r.second != second) {
                r.second = second;
                r.count = 0;
            }
            if (r.count >= perSecond) return false;
            r.count++;
            return true;
        }
    }

    boolean inSummaryMode(UUID chatId) {
        Rate r = rates.get(chatId);
        if (r == null) return false;
        long second = clock.millis() / 1000;
        synchronized (r) {
            if (r.second == second) return r.count > summaryAbove || r.previous > summaryAbove;
            return r.second == second - 1 && r.count > summaryAbove;
        }
    }

    private void end(Key key) {
        Typing typing = active.remove(key);
        if (typing != null) publishEnd(key, typing);
    }

    private void publishEnd(Key key, Typing typing) {
        bus.publish(new BusEvent.TypingChanged(key.chatId(), key.userId(), typing.displayName(), false));
    }

    private String displayName(UUID userId) {
        return users.byId(userId).map(User::displayName).orElse("");
    }
}
