package io.parley.server.app;

import io.parley.core.auth.AuthService;
import io.parley.core.bus.Bus;
import io.parley.core.bus.InProcessBus;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.MessageService;
import io.parley.core.id.HybridClock;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.RateLimits;
import io.parley.core.realtime.RealtimeTimer;
import io.parley.core.realtime.TokenBuckets;
import io.parley.core.realtime.TypingService;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.api.Services;
import io.parley.server.store.StoreConfig;
import io.parley.server.store.StoreKind;
import io.parley.server.store.Stores;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The domain half of a node, wired by hand: stores, bus, directory and services. The server adds the
 * gateway on top; the admin CLI uses it alone.
 */
record Wiring(Stores stores, Bus bus, ChatDirectory directory, Services services, Awareness awareness) implements AutoCloseable {

    /** Typing and presence, the rate limiter they share, and the timer that drives them. */
    record Awareness(TokenBuckets limiter, TypingService typing, PresenceService presence, RealtimeTimer timer) {}

    static Wiring open(ParleyConfig cfg, Clock clock) {
        Stores st = Stores.open(storeConfig(cfg.store()), cfg.pod().id());
        Bus bus = new InProcessBus();
        var hasher = new Argon2Hasher(cfg.auth().argon2MemoryKib(), cfg.auth().argon2Iterations());
        AuthService auth = new AuthService(st.users(), st.sessions(), hasher, bus, clock, cfg.auth().settings());
        ChatDirectory directory = new ChatDirectory(st.chats());
        bus.subscribe(directory);
        ChatService chats = new ChatService(st.chats(), st.workspaces(), directory, bus, clock);
        WorkspaceService workspaces = new WorkspaceService(st.workspaces(), st.chats(), st.users(), auth, directory, bus, clock);
        MessageService messages = new MessageService(st.messages(), st.chats(), st.workspaces(), chats, bus,
                new HybridClock(clock), clock, cfg.pod().id());
        TokenBuckets limiter = new TokenBuckets(cfg.realtime().applyTo(RateLimits.defaults()), clock);
        TypingService typing = new TypingService(chats, st.users(), limiter, bus, clock, cfg.realtime());
        bus.subscribe(typing);
        PresenceService presence = new PresenceService(st.workspaces(), limiter, bus, clock, cfg.realtime());
        var awareness = new Awareness(limiter, typing, presence, new RealtimeTimer(typing, presence, limiter, cfg.realtime()));
        return new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages, presence), awareness);
    }

    /** {@return the store settings for a configuration} */
    static StoreConfig storeConfig(ParleyConfig.Store s) {
        if (s.kind().equals("postgres")) {
            return new StoreConfig(StoreKind.POSTGRES, s.url(), blankToNull(s.username()), blankToNull(s.password()),
                    s.poolSize(), s.writerBatchMax(), 2);
        }
        Path file = s.dataDir().resolve("parley.db").toAbsolutePath();
        return new StoreConfig(StoreKind.SQLITE, "jdbc:sqlite:" + file, null, null, s.poolSize(), s.writerBatchMax(), 2);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Stops the bus, then lets the store writer commit what it holds and closes the store. */
    @Override
    public void close() {
        awareness.timer().close();
        bus.close();
        stores.close();
    }
}
