package io.parley.server.app;

import io.parley.core.auth.AuthService;
import io.parley.core.bus.Bus;
import io.parley.core.bus.InProcessBus;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.MessageService;
import io.parley.core.id.HybridClock;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.api.Services;
import io.parley.server.store.StoreConfig;
import io.parley.server.store.StoreKind;
import io.parley.server.store.Stores;

import io.parley.core.notify.NoPushTransport;
import io.parley.core.notify.PreferenceService;
import io.parley.core.notify.PushSender;
import io.parley.core.realtime.TokenBuckets;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Clock;

/**
 * The domain half of a node, wired by hand: stores, bus, directory and services. The server adds the
 * gateway on top; the admin CLI uses it alone.
 */
record Wiring(Stores stores, Bus bus, ChatDirectory directory, Services services, PreferenceService preferences,
              PushSender push, ScheduledExecutorService limitsTimer) implements AutoCloseable {

    /** Wires a node without a push transport ({@link NoPushTransport}: offline users get no push). */
    static Wiring open(ParleyConfig cfg, Clock clock) {
        return open(cfg, clock, new NoPushTransport());
    }

    /** Wires a node; {@code push} delivers notifications to users who are not connected. */
    static Wiring open(ParleyConfig cfg, Clock clock, PushSender push) {
        Stores st = Stores.open(storeConfig(cfg.store()), cfg.pod().id());
        Bus bus = new InProcessBus();
        var hasher = new Argon2Hasher(cfg.auth().argon2MemoryKib(), cfg.auth().argon2Iterations());
        AuthService auth = new AuthService(st.users(), st.sessions(), hasher, bus, clock, cfg.auth().settings());
        ChatDirectory directory = new ChatDirectory(st.chats());
        bus.subscribe(directory);
        ChatService chats = new ChatService(st.chats(), st.workspaces(), directory, bus, clock);
        WorkspaceService workspaces = new WorkspaceService(st.workspaces(), st.chats(), st.users(), auth, directory, bus, clock);
        TokenBuckets limiter = new TokenBuckets(cfg.limits().rateLimits(), clock);
        MessageService messages = new MessageService(st.messages(), st.chats(), st.workspaces(), chats, bus,
                new HybridClock(clock), clock, cfg.pod().id(), limiter);
        // Applies read marks that were over the limit (coalesced, latest wins) and forgets idle buckets.
        ScheduledExecutorService limitsTimer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("parley-limits").daemon().unstarted(r));
        long period = Math.max(20, 1000 / cfg.limits().readMarksPerSecond());
        limitsTimer.scheduleWithFixedDelay(() -> {
            try {
                messages.flushDeferredReadMarks();
                limiter.evictIdle();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Wiring.class).warn("flushing deferred read marks failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        PreferenceService preferences = new PreferenceService(st.preferences(), chats);
        return new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages), preferences, push, limitsTimer);
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
        limitsTimer.shutdownNow();
        bus.close();
        stores.close();
    }
}
