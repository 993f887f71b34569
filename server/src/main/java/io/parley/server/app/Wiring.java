package io.parley.server.app;

import io.parley.core.auth.AuthService;
import io.parley.core.bus.Bus;
import io.parley.core.bus.InProcessBus;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.MessageService;
import io.parley.core.id.HybridClock;
import io.parley.core.notify.PushSender;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.RateLimits;
import io.parley.core.realtime.RealtimeTimer;
import io.parley.core.realtime.TokenBuckets;
import io.parley.core.realtime.TypingService;
import io.parley.core.workspace.WorkspaceService;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.SearchIndexer;
import io.parley.core.search.SearchService;
import io.parley.server.api.Services;
import io.parley.server.push.WebPush;
import io.parley.server.search.LuceneIndex;
import io.parley.server.search.Reindexer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.parley.server.store.StoreConfig;
import io.parley.server.store.StoreKind;
import io.parley.server.store.Stores;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The domain half of a node, wired by hand: stores, bus, directory and services. The server adds the
 * gateway on top; the admin CLI uses it alone. Web Push is built here (keys loaded, pushes queued); the server
 * starts its delivery.
 */
record Wiring(Stores stores, Bus bus, ChatDirectory directory, Services services, WebPush webPush, SearchIndex index,
              SearchIndexer indexer, Awareness awareness) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    /** Typing and presence, the rate limiter they share, and the timer that drives them. */
    record Awareness(TokenBuckets limiter, TypingService typing, PresenceService presence, RealtimeTimer timer) {}

    /** Opens a node's wiring with search (the server). */
    static Wiring open(ParleyConfig cfg, Clock clock) {
        return open(cfg, clock, true);
    }

    /**
     * @param withSearch false for admin commands that run beside a live server: the search index is a
     *     single-writer directory the server holds, and they do not need it
     */
    static Wiring open(ParleyConfig cfg, Clock clock, boolean withSearch) {
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
        WebPush webPush = WebPush.open(st.push(), cfg.push(), clock);
        if (!withSearch) return new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages, null, presence), webPush, null, null,
                awareness);
        // Lucene on one node's disk; PostgreSQL full-text when the store is PostgreSQL (every node shares it).
        SearchIndex index = st.kind() == StoreKind.POSTGRES ? st.fullTextIndex() : new LuceneIndex(searchDir(cfg));
        SearchIndexer indexer = new SearchIndexer(index);
        bus.subscribe(indexer);
        SearchService search = new SearchService(index, chats, directory, st.chats(), st.workspaces(), st.users(), st.messages(), clock);
        Wiring w = new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages, search, presence), webPush, index,
                indexer, awareness);
        if (index instanceof LuceneIndex lucene && lucene.needsRebuild()) w.rebuildInBackground(lucene);
        return w;
    }

    /** {@return where the Lucene index lives} */
    static java.nio.file.Path searchDir(ParleyConfig cfg) {
        return cfg.store().dataDir().resolve("search");
    }

    /** Rebuilds the search index from the store on a background thread; searches answer UNAVAILABLE meanwhile. */
    void rebuildInBackground(LuceneIndex lucene) {
        lucene.setReady(false);
        Thread.ofPlatform().name("parley-search-rebuild").daemon().start(() -> {
            try {
                long n = new Reindexer(stores.messages(), stores.chats()).rebuild(index, done -> { });
                log.info("search index rebuilt from the store: {} messages", n);
            } catch (RuntimeException e) {
                log.error("search index rebuild failed; run `parley admin reindex`", e);
            } finally {
                lucene.setReady(true);
            }
        });
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

    /** {@return the push port for users who are not connected (the notification evaluator's)} */
    PushSender push() {
        return webPush.sender();
    }

    /** Stops push delivery and the bus, then lets the store writer commit what it holds and closes the store. */
    @Override
    public void close() {
        awareness.timer().close();
        webPush.close();
        bus.close();
        if (indexer != null) indexer.close();
        if (index != null) index.close();
        stores.close();
    }
}
