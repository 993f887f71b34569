package io.parley.server.app;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.BoundedHasher;
import io.parley.core.auth.FailureLedger;
import io.parley.core.auth.MemoryFailureLedger;
import io.parley.core.auth.ProofGate;
import io.parley.core.bus.Bus;
import io.parley.core.bus.InProcessBus;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.MessageService;
import io.parley.core.chat.AckGate;
import io.parley.core.chat.PostingGate;
import io.parley.core.files.BlobStore;
import io.parley.core.files.FileService;
import io.parley.core.files.UploadScanning;
import io.parley.core.id.HybridClock;
import io.parley.core.webhook.WebhookService;
import io.parley.core.notify.PreferenceService;
import io.parley.core.notify.PushSender;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.RealtimeTimer;
import io.parley.core.realtime.TokenBuckets;
import io.parley.core.realtime.TypingService;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.IndexRecovery;
import io.parley.core.search.SearchIndexer;
import io.parley.core.search.SearchService;
import io.parley.core.workspace.WorkspaceService;
import io.parley.server.files.ClamdScanner;
import io.parley.server.files.LocalBlobStore;
import io.parley.server.files.MeteredScanner;
import io.parley.server.files.ScanSettings;
import io.parley.server.files.TikaInspector;
import io.parley.server.nats.NatsBus;
import io.parley.server.nats.NatsFailureLedger;
import io.parley.server.nats.NatsLink;
import io.parley.server.nats.NatsPresence;
import io.parley.server.nats.NatsRateLimiter;
import io.parley.server.outbound.OutboundPolicy;
import io.parley.server.outbound.Purpose;
import io.parley.core.realtime.RateLimiter;
import io.parley.core.realtime.PresenceShare;
import io.parley.server.push.WebPush;
import io.parley.server.search.LuceneIndex;
import io.parley.server.store.StoreConfig;
import io.parley.server.store.StoreKind;
import io.parley.server.store.Stores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The domain half of a node, wired by hand in one place: stores, bus, directory, services, the
 * rate limiter every service shares, the gate every password check passes, awareness (typing, presence),
 * notifications, Web Push, files and search. The server adds the gateway on top; admin commands use it without search.
 *
 * @param outbound the gate of every connection the server opens to the outside (Web Push's)
 * @param push where notifications for users who are not connected go (Web Push unless a test swaps it)
 */
record Wiring(Stores stores, Bus bus, ChatDirectory directory, Services services, RateLimiter limiter, Awareness awareness,
              PreferenceService preferences, OutboundPolicy outbound, WebPush webPush, PushSender push, SearchIndex index, SearchIndexer indexer,
              ScheduledExecutorService limitsTimer, ScheduledExecutorService housekeeping, NatsLink nats,
              HybridClock hlc, Proofs proofs) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    /** Typing and presence, and the timer that drives them. */
    record Awareness(TypingService typing, PresenceService presence, RealtimeTimer timer) {}

    /** The gate every proof of identity passes, and the bound on concurrent password hashing (for their metrics). */
    record Proofs(ProofGate gate, BoundedHasher hashing) {}

    /**
     * Opens the wiring of an admin command: its own stores, no pod layer (every post is taken), the system's DNS,
     * meters nobody reads.
     *
     * @param withSearch false for admin commands that run beside a live server: the search index is a
     *     single-writer directory the server holds, and they do not need it
     * @param pushOverride a push transport instead of Web Push (tests), or null
     */
    static Wiring open(ParleyConfig cfg, Clock clock, boolean withSearch, PushSender pushOverride) {
        return open(cfg, openStores(cfg), clock, withSearch, pushOverride, ParleyServer.Seams.NONE, new SimpleMeterRegistry(),
                PostingGate.OPEN, AckGate.NONE);
    }

    /** {@return the node's stores, opened (migrations run)} */
    static Stores openStores(ParleyConfig cfg) {
        return Stores.open(storeConfig(cfg.store()), cfg.pod().id());
    }

    /**
     * Wires a node over its stores, which it then owns (closes).
     *
     * @param seams how outbound connections look hosts up, and what wraps the password hasher, inside the bound on
     *     concurrent hashing (tests simulate DNS and count what runs)
     * @param registry where the domain half's meters go (the virus scans of uploads)
     * @param posting the pod layer's gate on posts by users ({@link PostingGate#OPEN} without one)
     * @param acks what posts' acks wait for after their commit ({@link AckGate#NONE}: the commit alone)
     */
    static Wiring open(ParleyConfig cfg, Stores st, Clock clock, boolean withSearch, PushSender pushOverride,
                       ParleyServer.Seams seams, MeterRegistry registry, PostingGate posting, AckGate acks) {
        // A scaled-out pod's nodes meet on NATS; one node keeps everything in the process.
        NatsLink nats = cfg.bus().nats() ? NatsLink.open(cfg.bus().url(), cfg.bus().prefix(), cfg.pod().id()) : null;
        Bus bus = nats != null ? new NatsBus(nats) : new InProcessBus();
        var hasher = new BoundedHasher(seams.hashers().apply(new Argon2Hasher(cfg.auth().argon2MemoryKib(), cfg.auth().argon2Iterations())),
                cfg.auth().hashingPermits(), cfg.auth().hashingWait());
        // Failed proofs are counted across the pod like rate limits; a node alone (or during a NATS outage) counts its own.
        MemoryFailureLedger localFailures = new MemoryFailureLedger();
        FailureLedger failures = nats != null ? new NatsFailureLedger(nats, localFailures, cfg.auth().throttle().forgetAfter())
                : localFailures;
        var proofs = new Proofs(new ProofGate(failures, cfg.auth().throttle(), clock), hasher);
        AuthService auth = new AuthService(st.users(), st.sessions(), hasher, proofs.gate(), bus, clock, cfg.auth().settings());
        ChatDirectory directory = new ChatDirectory(st.chats());
        bus.subscribe(directory);
        ChatService chats = new ChatService(st.chats(), st.workspaces(), directory, bus, clock);
        WorkspaceService workspaces = new WorkspaceService(st.workspaces(), st.chats(), st.users(), auth, directory, bus, clock);

        // One limiter for every action: messages, read marks and urgent from [limits], typing and presence from [realtime].
        var limits = cfg.realtime().applyTo(cfg.limits().rateLimits());
        TokenBuckets localLimits = new TokenBuckets(limits, clock);
        // A pod counts each user's buckets across its nodes; a node alone (or during a NATS outage) counts its own.
        RateLimiter limiter = nats != null ? new NatsRateLimiter(nats, limits, localLimits, clock) : localLimits;
        FileService files = new FileService(st.files(), blobStore(cfg, st), new TikaInspector(), scanning(cfg.files().scan(), registry),
                st.workspaces(), chats, limiter, cfg.files().limits(), clock);
        // One clock for the pod's writes: ops received from other pods advance it (HybridClock.observe).
        HybridClock hlc = new HybridClock(clock);
        MessageService messages = new MessageService(new MessageService.Ports(st.messages(), st.chats(), st.workspaces(), chats, bus),
                new MessageService.Origin(cfg.pod().id(), hlc, clock), new MessageService.Checks(limiter, files::attachable, posting, acks));
        WebhookService webhooks = new WebhookService(st.webhooks(), chats, st.chats(), st.workspaces(), messages, clock);
        // Housekeeping: uploads never attached, and blobs no live file refers to.
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("parley-housekeeping").daemon().unstarted(r));
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                int removed = files.collect();
                if (removed > 0) log.info("removed {} blobs no file refers to", removed);
            } catch (RuntimeException e) {
                log.warn("file housekeeping failed; it runs again later", e);
            }
        }, 1, 10, TimeUnit.MINUTES);
        long forgetMillis = cfg.auth().throttle().forgetAfter().toMillis();
        housekeeping.scheduleWithFixedDelay(() -> localFailures.evictIdle(clock.millis() - forgetMillis), 1, 1, TimeUnit.MINUTES);
        ScheduledExecutorService limitsTimer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("parley-limits").daemon().unstarted(r));
        long period = Math.max(20, 1000 / cfg.limits().readMarksPerSecond());
        limitsTimer.scheduleWithFixedDelay(() -> { // applies coalesced read marks (latest wins), forgets idle buckets
            try {
                messages.flushDeferredReadMarks();
                localLimits.evictIdle();
            } catch (RuntimeException e) {
                log.warn("flushing deferred read marks failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);

        TypingService typing = new TypingService(chats, st.users(), limiter, bus, clock, cfg.realtime());
        bus.subscribe(typing);
        PresenceService presence = new PresenceService(st.workspaces(), limiter, bus, clock, cfg.realtime(),
                nats != null ? new NatsPresence(nats) : PresenceShare.NONE);
        var awareness = new Awareness(typing, presence, new RealtimeTimer(typing, presence, localLimits, cfg.realtime()));
        PreferenceService preferences = new PreferenceService(st.preferences(), chats);
        // push.allow_insecure_endpoints is the tests' way to a plain-HTTP push service; the address checks still apply.
        OutboundPolicy outbound = OutboundPolicy.open(cfg.outbound(),
                cfg.push().allowInsecureEndpoints() ? java.util.Set.of(Purpose.WEB_PUSH) : java.util.Set.of(), seams.resolver());
        WebPush webPush = WebPush.open(st.push(), cfg.push(), outbound, clock);
        PushSender push = pushOverride != null ? pushOverride : webPush.sender();

        if (!withSearch) {
            return new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages, null, presence, files, webhooks), limiter,
                    awareness, preferences, outbound, webPush, push, null, null, limitsTimer, housekeeping, nats, hlc, proofs);
        }
        // Lucene on one node's disk; PostgreSQL full-text when the store is PostgreSQL (every node shares it).
        SearchIndex index = st.kind() == StoreKind.POSTGRES ? st.fullTextIndex() : new LuceneIndex(searchDir(cfg), id -> st.messages().message(id).map(io.parley.core.chat.Message::content).orElse(null));
        SearchIndexer indexer = st.kind() == StoreKind.POSTGRES
                ? new SearchIndexer(index, bus.selective() ? SearchIndexer.Mode.ownEvents() : SearchIndexer.Mode.everyEvent()) // a pod's shared index: each node indexes what it published
                : new SearchIndexer(index, SearchIndexer.Mode.recovering(new IndexRecovery(st.messages(), st.chats()))); // resumes from its checkpoint or rebuilds
        bus.subscribe(indexer);
        SearchService search = new SearchService(index, chats, directory, st.chats(), st.workspaces(), st.users(), st.messages(), clock, st.files());
        Wiring w = new Wiring(st, bus, directory, new Services(auth, workspaces, chats, messages, search, presence, files, webhooks),
                limiter, awareness, preferences, outbound, webPush, push, index, indexer, limitsTimer, housekeeping, nats, hlc, proofs);
        return w;
    }

    /**
     * {@return where file bytes live: on disk under the data directory, or in PostgreSQL so that every node of a
     * pod serves every file (uploads are still staged on local disk while they are hashed)}
     */
    static BlobStore blobStore(ParleyConfig cfg, Stores st) {
        Path root = cfg.store().dataDir().resolve("files");
        try {
            return cfg.files().inDatabase(cfg.store()) ? st.databaseBlobs(root.resolve("tmp")) : new LocalBlobStore(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the file store under " + root, e);
        }
    }

    /** {@return the virus scan uploads pass: clamd's, timed, when an address is configured; else none} */
    static UploadScanning scanning(ScanSettings scan, MeterRegistry registry) {
        if (!scan.on()) return UploadScanning.OFF;
        String otherwise = scan.acceptUnscanned() ? "stored marked unscanned" : "refused";
        log.info("uploads are scanned by clamd at {}; when it cannot judge one, the upload is {}", scan.clamd(), otherwise);
        ClamdScanner clamd = new ClamdScanner(scan.clamd(), scan.connectTimeout(), scan.timeout());
        // Said at start so a wrong address shows in the log before the first upload; the node serves meanwhile.
        Thread.ofVirtual().name("parley-clamd-ping").start(() -> clamd.ping().ifPresent(why ->
                log.warn("clamd at {} does not answer PING ({}); until it does, uploads are {}", scan.clamd(), why, otherwise)));
        return new UploadScanning(new MeteredScanner(clamd, registry), scan.acceptUnscanned());
    }

    /** {@return where the Lucene index lives} */
    static Path searchDir(ParleyConfig cfg) {
        return cfg.store().dataDir().resolve("search");
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

    /** Stops the timers and the bus, lets search and the store writer finish what they hold, closes the store. */
    @Override
    public void close() {
        awareness.timer().close();
        limitsTimer.shutdownNow();
        housekeeping.shutdownNow();
        webPush.close();
        outbound.close();
        bus.close();
        if (indexer != null) indexer.close();
        if (index != null) index.close();
        stores.close();
        if (nats != null) nats.close();
    }
}
