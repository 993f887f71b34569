package io.parley.core.auth;

import io.parley.core.error.ParleyException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link PasswordHasher} that lets only so many hashings run at once. Each Argon2id run takes its memory (19 MiB
 * by default) and tens of milliseconds of a core, so a flood of sign-ins would otherwise be a CPU and memory attack
 * on the node. A call that gets no permit within {@code wait} is refused with UNAVAILABLE and a retry hint, rather
 * than queueing without bound; permits go first come, first served.
 */
public final class BoundedHasher implements PasswordHasher {
    /** What a refused call is told to wait, in seconds: a permit frees up within one hashing. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final PasswordHasher hasher;
    private final int permits;
    private final Semaphore available;
    private final long waitNanos;
    private final LongAdder refusals = new LongAdder();

    /**
     * @param permits how many hashings may run at once (a few per core: more only queue on the cores)
     * @param wait how long a call may wait for a permit before it is refused
     */
    public BoundedHasher(PasswordHasher hasher, int permits, Duration wait) {
        if (permits < 1) throw new IllegalArgumentException("permits must be at least 1");
        this.hasher = hasher;
        this.permits = permits;
        this.available = new Semaphore(permits, true);
        this.waitNanos = wait.toNanos();
    }

    @Override
    public String hash(CharSequence password) {
        return bounded(() -> hasher.hash(password));
    }

    @Override
    public boolean verify(CharSequence password, String hash) {
        return bounded(() -> hasher.verify(password, hash));
    }

    private <T> T bounded(Supplier<T> hashing) {
        boolean acquired;
        try {
            acquired = available.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ParleyException.unavailable("interrupted while waiting to check a password", RETRY_AFTER_SECONDS, e);
        }
        if (!acquired) {
            refusals.increment();
            throw ParleyException.unavailable("the server is busy checking passwords; try again in a moment", RETRY_AFTER_SECONDS, null);
        }
        try {
            return hashing.get();
        } finally {
            available.release();
        }
    }

    /** {@return calls refused for want of a permit since start} */
    public long refusals() {
        return refusals.sum();
    }

    /** {@return hashings running now} */
    public int inFlight() {
        return permits - available.availablePermits();
    }
}
