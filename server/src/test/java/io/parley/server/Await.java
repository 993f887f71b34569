package io.parley.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on a condition with a deadline, for what a test cannot be told directly (an index catching up,
 * a file appearing, a process coming back): poll every 20 ms, fail with what was awaited past the deadline.
 */
public final class Await {
    private static final long POLL_MS = 20;

    private Await() {}

    /** Polls until the condition holds. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(POLL_MS);
        }
    }

    /** Polls until the supplier gives a value the condition accepts; {@return that value} */
    public static <T> T value(Duration timeout, String what, Supplier<T> supplier, java.util.function.Predicate<T> ok)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (!ok.test(last = supplier.get())) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + last);
            Thread.sleep(POLL_MS);
        }
        return last;
    }
}
