package io.parley.server.bench;

import io.parley.core.auth.Principal;
import io.parley.core.auth.Tokens;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatEvent;
import io.parley.core.chat.EventType;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.id.Uuid7;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.SearchIndexer;
import io.parley.core.search.SearchService;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import io.parley.core.store.MessageLog;
import io.parley.core.workspace.Role;
import io.parley.server.app.Services;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The search figures of the search issue, measured in process against a real store and index (no network in
 * between, so the numbers are the engine's): generate a corpus of messages in many channels straight into the
 * log, rebuild the index from the store (reindex time), push messages through the live indexer (indexing
 * throughput), then time queries through {@link SearchService} with its access checks and store re-reads
 * (search latency), and finally the index lag of posts made through the one delivery path. Text is drawn from a synthetic vocabulary with a Zipf distribution, like natural
 * language, so term frequencies span common to rare.
 */
public final class SearchBench {
    /** What to measure. */
    public record Config(int messages, int channels, int users, int queries, int liveMessages, long seed) {}

    /** The collaborators: the node's services and its log, index and what rebuilds it. */
    public record Node(Services services, MessageLog log, SearchIndex index, io.parley.core.search.IndexRecovery recovery) {}

    private static final int VOCABULARY = 5_000;
    private static final int IN_FLIGHT = 4_096;

    private final Config cfg;
    private final Node node;
    private final PrintStream out;
    private final String[] words = vocabulary(VOCABULARY);
    private final double[] zipf = zipfCdf(VOCABULARY, 1.07);

    public SearchBench(Config cfg, Node node, PrintStream out) {
        this.cfg = cfg;
        this.node = node;
        this.out = out;
    }

    /** Runs every phase and prints a table. */
    public void run() throws Exception {
        Services s = node.services();
        String run = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36);
        var setup = s.workspaces().bootstrap("search-bench-" + run + "@bench.test", "sb" + run, "Search Bench", "search-bench-password", "Search " + run);
        Principal owner = s.auth().authenticate(setup.tokens().accessToken());
        UUID ws = setup.workspace().id();
        List<Tokens> people = new ArrayList<>();
        var invite = s.workspaces().createInvite(owner, ws, Role.MEMBER, Duration.ofHours(1), cfg.users(), null);
        for (int i = 0; i < cfg.users(); i++) {
            String handle = "sb" + run + "u" + i;
            people.add(s.workspaces().registerByInvite(invite.code(), handle + "@bench.test", handle, "User " + i, "search-bench-" + i).tokens());
        }
        List<UUID> memberIds = people.stream().map(t -> t.user().id()).toList();
        List<Chat> chats = new ArrayList<>();
        for (int c = 0; c < cfg.channels(); c++) {
            Chat chat = s.chats().createChannel(owner, ws, "sb-" + run + "-" + c, false, null, null);
            s.chats().addMembers(owner, chat.id(), memberIds);
            chats.add(chat);
        }
        out.printf(Locale.ROOT, "corpus: %,d messages in %d channels from %d people, vocabulary %,d words (Zipf 1.07)%n",
                cfg.messages(), cfg.channels(), cfg.users(), VOCABULARY);

        // 1. the corpus, straight into the log (group commit), timestamps spread over the last 90 days
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        long t0 = System.nanoTime();
        Semaphore window = new Semaphore(IN_FLIGHT);
        Instant start = Instant.now().minus(Duration.ofDays(90));
        long spreadMs = Duration.ofDays(90).toMillis();
        for (int i = 0; i < cfg.messages(); i++) {
            window.acquire();
            Chat chat = chats.get(rnd.nextInt(chats.size()));
            UUID sender = memberIds.get(rnd.nextInt(memberIds.size()));
            String text = sentence(rnd);
            Instant at = start.plusMillis(spreadMs * i / Math.max(1, cfg.messages()));
            // time-ordered client ids: random ones would make every idempotency lookup of a 1M-row corpus a
            // random index read (the PostgreSQL corpus crawled at ~850 msgs/s); the corpus is set-up, not a figure
            CompletableFuture<LogResult> f = node.log().append(new LogCommand.Post(ws, chat.id(), sender, Uuid7.next(), Uuid7.next(),
                    text, null, Mentions.parse(text), "bench", at.toEpochMilli() << 16, at, List.of(), null));
            f.whenComplete((r, e) -> window.release());
            if ((i + 1) % 100_000 == 0) out.printf(Locale.ROOT, "  stored %,d%n", i + 1);
        }
        window.acquire(IN_FLIGHT);
        window.release(IN_FLIGHT);
        double storeSeconds = (System.nanoTime() - t0) / 1e9;

        // 2. reindex: the index rebuilt from the store
        long r0 = System.nanoTime();
        long[] reindexedCount = {0};
        node.index().advance(node.recovery().rebuild(node.index(), done -> reindexedCount[0] = done));
        node.index().flush();
        long reindexed = reindexedCount[0];
        double reindexSeconds = (System.nanoTime() - r0) / 1e9;

        // 3. live indexing: committed events through the indexer's queue and batches, as the bus hands them over
        SearchIndexer indexer = new SearchIndexer(node.index(), SearchIndexer.Mode.everyEvent());
        long l0 = System.nanoTime();
        for (int i = 0; i < cfg.liveMessages(); i++) {
            while (indexer.backlog() > 50_000) Thread.sleep(1); // stay under the queue bound (overflow marks it stale); never spin: 2 cores
            Chat chat = chats.get(rnd.nextInt(chats.size()));
            String text = sentence(rnd);
            Instant at = Instant.now();
            Message m = new Message(Uuid7.next(), chat.id(), cfg.messages() + i + 1L, memberIds.get(rnd.nextInt(memberIds.size())),
                    UUID.randomUUID(), text, null, 0, null, List.of(), Mentions.NONE, List.of(), at, null, null, "bench",
                    at.toEpochMilli() << 16, List.of(), null);
            indexer.onEvent(new BusEvent.Committed(new ChatEvent(ws, chat.id(), m.seq(), EventType.MESSAGE_POSTED, m.senderId(), null, m, at)));
        }
        while (indexer.backlog() > 0) Thread.sleep(1);
        indexer.close();
        node.index().flush();
        double liveSeconds = (System.nanoTime() - l0) / 1e9;
        boolean stale = indexer.stale();

        // 4. queries: two fairly common terms (ranks 20-300) and a from: filter, by a member of every channel
        Histogram withFrom = new Histogram(60_000_000L, 3);
        Histogram twoTerms = new Histogram(60_000_000L, 3);
        long hits = 0;
        for (int warm = 0; warm < Math.min(200, cfg.queries()); warm++) query(s, people, ws, rnd, true);
        for (int q = 0; q < cfg.queries(); q++) {
            long a = System.nanoTime();
            hits += query(s, people, ws, rnd, true);
            withFrom.recordValue((System.nanoTime() - a) / 1_000);
            long b = System.nanoTime();
            query(s, people, ws, rnd, false);
            twoTerms.recordValue((System.nanoTime() - b) / 1_000);
        }

        // 5. index lag: posts through the one delivery path (log, bus, indexer), each searched for until it is found
        Histogram lag = new Histogram(60_000_000L, 3);
        for (int i = 0; i < 100; i++) {
            Tokens who = people.get(i % people.size());
            String probe = "lagprobe" + run + "x" + i;
            s.messages().send(who.user().id(), chats.get(i % chats.size()).id(), UUID.randomUUID(), "probe " + probe, null).join();
            long acked = System.nanoTime();
            while (s.search().search(who.user().id(), ws, probe, SearchService.Scope.MESSAGES, null, false, null, 1, ZoneOffset.UTC)
                    .messages().isEmpty()) {
                Thread.sleep(2);
            }
            lag.recordValue((System.nanoTime() - acked) / 1_000);
        }

        out.println();
        out.println("| measure | value |");
        out.println("|---|---|");
        out.printf(Locale.ROOT, "| corpus stored (group commit) | %,d msgs in %.1f s = %,.0f msgs/s |%n", cfg.messages(), storeSeconds, cfg.messages() / storeSeconds);
        out.printf(Locale.ROOT, "| reindex from the store | %,d msgs in %.1f s = %,.0f msgs/s |%n", reindexed, reindexSeconds, reindexed / reindexSeconds);
        out.printf(Locale.ROOT, "| live indexing (indexer queue → index) | %,d msgs in %.1f s = %,.0f msgs/s%s |%n", cfg.liveMessages(), liveSeconds,
                cfg.liveMessages() / liveSeconds, stale ? " (queue overflowed!)" : "");
        out.printf(Locale.ROOT, "| search: 2 terms + from:@user, %,d queries | p50 %.1f ms, p99 %.1f ms, max %.1f ms (%.1f hits/query) |%n",
                cfg.queries(), withFrom.getValueAtPercentile(50) / 1e3, withFrom.getValueAtPercentile(99) / 1e3,
                withFrom.getMaxValue() / 1e3, (double) hits / cfg.queries());
        out.printf(Locale.ROOT, "| search: 2 terms, %,d queries | p50 %.1f ms, p99 %.1f ms, max %.1f ms |%n",
                cfg.queries(), twoTerms.getValueAtPercentile(50) / 1e3, twoTerms.getValueAtPercentile(99) / 1e3, twoTerms.getMaxValue() / 1e3);
        out.printf(Locale.ROOT, "| index lag: ack → searchable, 100 posts | p50 %.0f ms, p99 %.0f ms, max %.0f ms |%n",
                lag.getValueAtPercentile(50) / 1e3, lag.getValueAtPercentile(99) / 1e3, lag.getMaxValue() / 1e3);
    }

    private int query(Services s, List<Tokens> people, UUID ws, SplittableRandom rnd, boolean from) {
        Tokens who = people.get(rnd.nextInt(people.size()));
        String q = words[20 + rnd.nextInt(280)] + " " + words[20 + rnd.nextInt(280)]; // ranks 20-300: both frequent enough to meet
        if (from) q += " from:@" + people.get(rnd.nextInt(people.size())).user().handle();
        return s.search().search(who.user().id(), ws, q, SearchService.Scope.MESSAGES, null, false, null, 20, ZoneOffset.UTC)
                .messages().size();
    }

    /** {@return 6 to 24 words drawn by frequency} */
    private String sentence(SplittableRandom rnd) {
        int n = 6 + rnd.nextInt(19);
        StringBuilder b = new StringBuilder(n * 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(' ');
            b.append(words[rank(rnd.nextDouble())]);
        }
        return b.toString();
    }

    private int rank(double u) {
        int lo = 0, hi = zipf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (zipf[mid] < u) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Pronounceable distinct words: consonant-vowel syllables, so stemming treats them as words. */
    static String[] vocabulary(int n) {
        String consonants = "bcdfghjklmnprstvz";
        String vowels = "aeiou";
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder w = new StringBuilder();
            int x = i;
            do {
                w.append(consonants.charAt(x % consonants.length()));
                x /= consonants.length();
                w.append(vowels.charAt(x % vowels.length()));
                x /= vowels.length();
            } while (x > 0);
            out[i] = w.append('n').toString(); // a closing consonant keeps stems distinct
        }
        return out;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) sum += 1 / Math.pow(k, s);
        double acc = 0;
        for (int k = 1; k <= n; k++) {
            acc += 1 / Math.pow(k, s) / sum;
            cdf[k - 1] = acc;
        }
        cdf[n - 1] = 1.0;
        return cdf;
    }
}
