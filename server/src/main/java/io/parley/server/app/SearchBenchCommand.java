package io.parley.server.app;

import io.parley.server.bench.SearchBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code parley bench search}: the search figures, in process against a store and index of its own (point
 * {@code --data-dir} at an empty directory, or {@code --store postgres} at an empty schema).
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Measure search in process: store a generated corpus, reindex it, index more through the live",
                "indexer, then time queries (two terms with and without from:). Use an empty store: it bootstraps one."})
final class SearchBenchCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--messages", defaultValue = "1000000", description = "Corpus size (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--channels", defaultValue = "200", description = "Channels (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--users", defaultValue = "50", description = "People, each in every channel (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--queries", defaultValue = "2000", description = "Timed queries of each kind (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--live", defaultValue = "200000", description = "Messages through the live indexer (default ${DEFAULT-VALUE}).")
    int live;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        ParleyConfig config = options.loadOrReport();
        if (config == null) return 2;
        try (Wiring w = Wiring.open(config, Clock.systemUTC(), true, null)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!w.index().ready() && System.nanoTime() < deadline) Thread.sleep(50); // a fresh index builds itself first
            new SearchBench(new SearchBench.Config(messages, channels, users, queries, live, seed),
                    new SearchBench.Node(w.services(), w.stores().messages(), w.index(),
                            new io.parley.core.search.IndexRecovery(w.stores().messages(), w.stores().chats())), System.out).run();
            return 0;
        }
    }
}
