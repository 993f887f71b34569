package io.parley.core.store;

/** Asks the database whether it is there. */
public interface StoreHealth {
    /** {@return the round-trip time of a trivial query in milliseconds, or -1 if the database is unreachable} */
    long pingMillis();
}
