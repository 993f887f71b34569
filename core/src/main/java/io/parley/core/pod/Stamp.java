package io.parley.core.pod;

import java.util.Comparator;

/**
 * When and where a write happened: a Hybrid Logical Clock stamp ({@link io.parley.core.id.HybridClock}) and
 * the pod that made it. Stamps order last-writer-wins conflicts: the larger hlc wins, and on equal hlc the larger
 * pod id, so every pod picks the same winner.
 *
 * @param hlc the writer's HLC stamp
 * @param pod the writer's pod id
 */
public record Stamp(long hlc, String pod) implements Comparable<Stamp> {
    private static final Comparator<Stamp> ORDER = Comparator.comparingLong(Stamp::hlc).thenComparing(Stamp::pod);

    public Stamp {
        if (hlc < 0) throw new IllegalArgumentException("hlc must not be negative");
        ReplicaOp.requirePod("pod", pod);
    }

    @Override
    public int compareTo(Stamp o) {
        return ORDER.compare(this, o);
    }
}
