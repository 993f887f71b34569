package io.parley.core.auth;

import java.util.function.UnaryOperator;

/**
 * Where the {@link ProofGate} keeps its counts of failed proofs, by key: one node's memory
 * ({@link MemoryFailureLedger}), or a store the nodes of a pod share. The gate holds the policy; a ledger only reads
 * entries and replaces them atomically.
 */
public interface FailureLedger {
    /**
     * What a key has counted.
     *
     * @param failures failed (or still running) attempts not yet forgotten
     * @param lastMillis when the last attempt was admitted (epoch milliseconds)
     */
    record Entry(int failures, long lastMillis) {
        /** Nothing counted; a ledger stores no entry with zero failures. */
        public static final Entry NONE = new Entry(0, 0);
    }

    /** An {@link #update}: the entry the change was applied to, and what it made of it. */
    record Change(Entry before, Entry after) {}

    /** {@return the entry under the key, or {@link Entry#NONE}} */
    Entry read(String key);

    /**
     * Replaces the entry under the key with {@code change} applied to it, atomically: no other update of the key comes
     * between the read and the write. An entry with zero failures is removed. Under contention the function may run
     * more than once, so it must be free of side effects. {@return the entry it was applied to, and the result}
     */
    Change update(String key, UnaryOperator<Entry> change);
}
