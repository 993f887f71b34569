package io.parley.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a local process's CPU time from {@code /proc/<pid>/stat} (user + system, in clock ticks of 10 ms). */
final class ServerCpu {
    private static final double SECONDS_PER_TICK = 0.01; // USER_HZ is 100 on Linux

    private ServerCpu() {}

    /** {@return the process's CPU seconds so far, or NaN if it cannot be read} */
    static double seconds(long pid) {
        if (pid <= 0) return Double.NaN;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the ")" that closes the command name: state is field 3; utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * SECONDS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
