package io.parley.core.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The {@link FailureLedger} of one node: a concurrent map whose per-key {@code compute} is the atomic update. Entries
 * quiet for the gate's forget period are dropped by {@link #evictIdle}, so memory follows recent failures.
 */
public final class MemoryFailureLedger implements FailureLedger {
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Entry read(String key) {
        return entries.getOrDefault(key, Entry.NONE);
    }

    @Override
    public Change update(String key, UnaryOperator<Entry> change) {
        Entry[] seen = new Entry[2];
        entries.compute(key, (k, old) -> {
            seen[0] = old == null ? Entry.NONE : old;
            seen[1] = change.apply(seen[0]);
            return seen[1].failures() > 0 ? seen[1] : null;
        });
        return new Change(seen[0], seen[1]);
    }

    /** Drops the entries whose last attempt is older than {@code cutoffMillis} (the gate would treat them as new). */
    public void evictIdle(long cutoffMillis) {
        entries.values().removeIf(e -> e.lastMillis() < cutoffMillis);
    }

    /** {@return how many keys are held} */
    public int size() {
        return entries.size();
    }
}
