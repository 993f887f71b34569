package io.parley.server.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code parley bench}: load-tests a running Parley over real HTTP and WebSockets. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {WebhookBenchCommand.class, PodsBenchCommand.class},
        description = {"Load-test a running Parley: prepares users and chats over REST, opens one WebSocket per user,",
                "sends at a target rate and reports throughput, latency and lost/duplicated/out-of-order deliveries.",
                "Exits 1 if any message was lost or duplicated, 2 if setup failed."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--owner-email", defaultValue = BenchConfig.DEFAULT_OWNER_EMAIL,
            description = "Owner to bootstrap when setup is open, else to sign in as (default ${DEFAULT-VALUE}).")
    String ownerEmail;

    @Option(names = "--owner-password", defaultValue = BenchConfig.DEFAULT_OWNER_PASSWORD, description = "The owner's password.")
    String ownerPassword;

    @Option(names = "--scenario", defaultValue = "channels", description = "channels, dms or fanout (default ${DEFAULT-VALUE}).")
    BenchConfig.Scenario scenario;

    @Option(names = "--channels", defaultValue = "10", description = "Channels (scenario channels; default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--members", defaultValue = "100", description = "Members per channel (channels, fanout; default ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--dms", defaultValue = "50", description = "Two-member DMs (scenario dms; default ${DEFAULT-VALUE}).")
    int dms;

    @Option(names = "--senders", defaultValue = "10", description = "Senders per channel (channels, fanout; default ${DEFAULT-VALUE}). In dms both members send.")
    int senders;

    @Option(names = "--rate", defaultValue = "1000", description = "Target total msgs/s; 0 = closed loop, as fast as acks allow (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--window", defaultValue = "64", description = "Most unacknowledged messages per sender (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--duration", defaultValue = "20s", description = "Measured window, e.g. 20s (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", description = "Sending before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--drain", defaultValue = "10s", description = "Longest wait for acks and deliveries after the last send (default ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--size", defaultValue = "100", description = "Message content bytes, at least 36 (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--io-threads", description = "Client event-loop threads (default: available processors).")
    Integer ioThreads;

    @Option(names = "--register-concurrency", defaultValue = "8", description = "Parallel registrations (default ${DEFAULT-VALUE}).")
    int registerConcurrency;

    @Option(names = "--connect-concurrency", defaultValue = "64", description = "Parallel WebSocket handshakes (default ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--users", defaultValue = "0", description = "Connected users in all; extra ones join no bench chat (default: the scenario's).")
    int users;

    @Option(names = "--presence-contacts", defaultValue = "0", description = "Users each connection subscribes to the presence of (default ${DEFAULT-VALUE}).")
    int presenceContacts;

    @Option(names = "--presence-rate", defaultValue = "0", description = "presence.update frames/s across all users (default ${DEFAULT-VALUE}).")
    int presenceRate;

    @Option(names = "--typing-rate", defaultValue = "0", description = "typing.start frames/s from chat members (default ${DEFAULT-VALUE}).")
    int typingRate;

    @Option(names = "--server-pid", defaultValue = "0", description = "The server's pid on this host, to report its CPU per connected user.")
    long serverPid;

    @Option(names = "--nodes", split = ",", description = "A pod's node base URLs (http://host:port,...): user i connects to node i mod n, "
            + "and cross-node send→deliver is reported apart. Setup still goes to --url.")
    java.util.List<String> nodes;

    @Option(names = "--json", description = "Also print the result as one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        BenchConfig cfg = new BenchConfig(url, ownerEmail, ownerPassword, scenario, channels, members, dms, senders, rate, window,
                duration(warmup), duration(duration), duration(drain), size,
                ioThreads != null ? ioThreads : Runtime.getRuntime().availableProcessors(), registerConcurrency, connectConcurrency,
                new Ambient(users, presenceContacts, presenceRate, typingRate, serverPid), nodes);
        BenchResult r;
        try {
            r = new Bench(cfg, System.err).run();
        } catch (RestSetup.SetupFailed e) {
            System.err.println("setup failed: " + e.getMessage());
            return 2;
        }
        System.out.print(r.table());
        if (json) System.out.println(r.json());
        System.out.flush();
        return r.ok() ? 0 : 1;
    }

    /** Parses {@code 20s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration. */
    static Duration duration(String s) {
        String t = s.strip().toLowerCase();
        if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        if (t.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        if (t.endsWith("m")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        if (t.startsWith("pt")) return Duration.parse(s);
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
