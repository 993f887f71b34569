package io.parley.server.chaos;

import io.parley.core.protocol.CloseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SIGTERM under load drains: every client is told {@link CloseCode#GOING_AWAY} (4000, reconnect), the log writer
 * commits what it holds, the process exits 0 within 10 s, and after a restart every acked message is there.
 */
class GracefulShutdownTest {
    private final Chaos.Scratch scratch = new Chaos.Scratch();

    @AfterEach
    void tearDown() throws Exception {
        scratch.close(); // kills any server still running
    }

    @Test
    @Timeout(90)
    void sigtermClosesClientsWith4000KeepsEveryAckAndExitsZero() throws Exception {
        Path data = scratch.dir.resolve("data");
        ServerProcess first = ServerProcess.start(data, List.of(), Duration.ofSeconds(30));
        scratch.add(first);
        Chaos.Site site = Chaos.bootstrap(first.baseUrl());

        Load load = new Load(first.wsUrl(), site.token(), site.chats(), 4, 32);
        scratch.add(load);
        load.awaitAcks(1_000, Duration.ofSeconds(30));

        first.terminate(); // SIGTERM while the senders are still pipelining
        Integer exit = first.awaitExit(Duration.ofSeconds(10));
        List<Integer> codes = load.closeCodes(Duration.ofSeconds(5));
        load.stop();
        List<Load.Acked> acked = load.acked();
        System.out.printf("SIGTERM after >= 1000 acks: exit %s, close codes %s, %d acked, errors %s%n",
                exit, codes, acked.size(), load.errors());
        assertEquals(0, exit, "exit code within 10 s of SIGTERM (null: still running); output:\n" + first.output());
        assertEquals(Collections.nCopies(4, CloseCode.GOING_AWAY.code()), codes, "every client told to reconnect");

        ServerProcess second = ServerProcess.start(data, List.of(), Duration.ofSeconds(30));
        scratch.add(second);
        int stored = Chaos.assertEveryAckDurable(second.baseUrl(), site.token(), site.chats(), acked);
        System.out.printf("after restart: %d messages stored, all %d acked ones among them%n", stored, acked.size());
    }
}
