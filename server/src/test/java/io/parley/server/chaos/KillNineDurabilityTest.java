package io.parley.server.chaos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persist before ack, proved by SIGKILL: a separate Parley JVM under a steady pipelined send load is killed
 * with {@code kill -9} mid-load, restarted on the same store, and must still hold every message it acked, with
 * gap-free seqs per chat and no duplicates. Runs on SQLite and on PostgreSQL (skipped without a reachable
 * PostgreSQL unless CI=true).
 */
class KillNineDurabilityTest {
    private static final Duration START = Duration.ofSeconds(30);

    private final Chaos.Scratch scratch = new Chaos.Scratch();

    @AfterEach
    void tearDown() throws Exception {
        scratch.close(); // kills any server still running
    }

    @Test
    @Timeout(90)
    void sqliteKeepsEveryAckedMessageAcrossKillNine() throws Exception {
        run(List.of());
    }

    @Test
    @Timeout(90)
    void postgresKeepsEveryAckedMessageAcrossKillNine() throws Exception {
        Chaos.PgSchema schema = new Chaos.PgSchema();
        scratch.add(schema);
        run(List.of("--store", "postgres", "--jdbc-url", schema.url()));
    }

    private void run(List<String> storeArgs) throws Exception {
        Path data = scratch.dir.resolve("data");
        ServerProcess first = ServerProcess.start(data, storeArgs, START);
        scratch.add(first);
        Chaos.Site site = Chaos.bootstrap(first.baseUrl());

        Load load = new Load(first.wsUrl(), site.token(), site.chats(), 4, 32);
        scratch.add(load);
        // Kill at a point where a batch is surely in flight: well into the load, senders still pipelining.
        load.awaitAcks(1_500, Duration.ofSeconds(30));
        first.kill();
        int ackedAtKill = load.ackCount();
        load.stop();
        List<Load.Acked> acked = load.acked();
        System.out.printf("kill -9 after %d acks (%d recorded once the sockets closed); errors %s%n",
                ackedAtKill, acked.size(), load.errors());

        ServerProcess second = ServerProcess.start(data, storeArgs, START);
        scratch.add(second);
        int stored = Chaos.assertEveryAckDurable(second.baseUrl(), site.token(), site.chats(), acked);
        System.out.printf("after restart: %d messages stored, all %d acked ones among them%n", stored, acked.size());
        assertTrue(acked.size() >= 1_500);
    }
}
