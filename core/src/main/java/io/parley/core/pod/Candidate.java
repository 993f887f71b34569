package io.parley.core.pod;

import java.util.Comparator;

/**
 * A pod that may act as primary of a resilient channel, with its configured priority: the higher priority
 * wins, then the smaller pod id. Give the channel's own primary pod the highest.
 */
public record Candidate(String pod, int priority) {
    /** Best first: priority descending, then pod id ascending. */
    public static final Comparator<Candidate> RANK =
            Comparator.comparingInt(Candidate::priority).reversed().thenComparing(Candidate::pod);

    public Candidate {
        ReplicaOp.requirePod("pod", pod);
    }
}
