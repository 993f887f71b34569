package io.parley.core.id;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, then random bits.
 *
 * <p>Ids minted by one process are strictly increasing even within a millisecond: the
 * 12-bit {@code rand_a} field is used as a counter seeded at random each millisecond
 * (RFC 9562 §6.2, method 1), so message ids sort in mint order on every pod.
 *
 * <p>The random bits come from {@link ThreadLocalRandom}: ids must be unique and ordered, not
 * unguessable (nothing is authorised by knowing an id), and a cryptographic generator on every
 * message and frame costs a lock and a system call.
 */
public final class Uuid7 {
    private static long lastMillis;
    private static int counter;

    private Uuid7() {}

    /** {@return a new version 7 UUID} */
    public static UUID next() {
        long millis;
        int seq;
        synchronized (Uuid7.class) {
            millis = System.currentTimeMillis();
            if (millis <= lastMillis) {
                millis = lastMillis;
                counter++;
                if (counter > 0xFFF) { // counter exhausted: borrow the next millisecond
                    millis = ++lastMillis;
                    counter = ThreadLocalRandom.current().nextInt(0x800);
                }
            } else {
                lastMillis = millis;
                counter = ThreadLocalRandom.current().nextInt(0x800);
            }
            seq = counter;
        }
        long msb = (millis << 16) | (0x7L << 12) | (seq & 0xFFF);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** {@return the Unix milliseconds embedded in a version 7 UUID} */
    public static long millisOf(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
