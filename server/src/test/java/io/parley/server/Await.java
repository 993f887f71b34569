package io.parley.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The server tests' name for {@link io.parley.core.fixtures.Await} (core's fixtures hold the one implementation); kept
 * so that the thirty server tests that wait need no edit while the federation tests move between packages.
 */
public final class Await {
    private Await() {}

    /** Polls until the condition holds. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        io.parley.core.fixtures.Await.until(timeout, what, condition);
    }

    /** Polls until the supplier gives a value the condition accepts; {@return that value} */
    public static <T> T value(Duration timeout, String what, Supplier<T> supplier, Predicate<T> ok) throws InterruptedException {
        return io.parley.core.fixtures.Await.value(timeout, what, supplier, ok);
    }
}
