package io.parley.server.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code parley bench pods}: the pod figures of issue 7 §7 (see {@link PodsBench}). */
@Command(name = "pods", mixinStandardHelpOptions = true,
        description = {"Start two pods on this host (child processes, SQLite each), link them, share a channel and measure:",
                "cross-pod send→deliver latency, send→ack with ackAfterReplicas 0 and 1, death → DEAD, backlog replay rate,",
                "reconciliation time after a partition."})
public final class PodsBenchCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Where the pods keep their data and logs (default: a new temp directory, deleted after).")
    Path dir;

    @Option(names = "--rate", defaultValue = "100", description = "Latency phase: msgs/s (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--warmup", defaultValue = "5s", description = "Latency phase: sending before measuring (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--duration", defaultValue = "20s", description = "Latency phase: measured window (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--backlog", defaultValue = "60000", description = "Messages written while the peer is down: 10 min at 100 msgs/s (default ${DEFAULT-VALUE}).")
    int backlog;

    @Option(names = "--divergent", defaultValue = "10000", description = "Messages written on each side of the partition (default ${DEFAULT-VALUE}).")
    int divergent;

    @Option(names = "--window", defaultValue = "256", description = "Most unacknowledged sends per writer (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--heartbeat", defaultValue = "1s", description = "pod.heartbeat_interval of both pods (default ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(names = "--missed", defaultValue = "3", description = "pod.dead_after_missed (default ${DEFAULT-VALUE}).")
    int missed;

    @Option(names = "--grace", defaultValue = "3s", description = "pod.grace (default ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--acks-only", description = "Measure only send→ack with ackAfterReplicas 0 and 1 (after --warmup, over --duration).")
    boolean acksOnly;

    @Override
    public Integer call() throws Exception {
        boolean temp = dir == null;
        Path where = temp ? Files.createTempDirectory("parley-bench-pods-") : dir;
        PodsBench.Settings s = new PodsBench.Settings(where, rate, BenchCommand.duration(warmup), BenchCommand.duration(duration), backlog,
                divergent, window, BenchCommand.duration(heartbeat), missed, BenchCommand.duration(grace), acksOnly);
        System.out.printf("bench pods: 2 pods under %s, %d cores, load average %.2f%n", where, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try {
            new PodsBench(s).run(); // prints each figure as it is measured
            System.out.printf("load average after: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("bench pods failed: " + e.getMessage() + " (pod logs in " + where + ")");
            return 2;
        } finally {
            if (temp) PodsBench.deleteTree(where);
        }
    }
}
