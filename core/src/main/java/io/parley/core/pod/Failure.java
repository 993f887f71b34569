package io.parley.core.pod;

/**
 * Why a request to a peer failed, each with the weight it takes off the peer's score.
 *
 * <p>The ordering follows the HealthScore design: a refusal is cheap and quick to notice, a generic
 * error (a 5xx, a broken response) says the peer is unwell, a timeout also cost the caller its wait,
 * and a rejection (failed authentication, a signature or abuse check, a policy refusal) is the worst:
 * it means the link itself cannot be trusted until an admin looks.
 */
public enum Failure {
    /** The connection was refused or reset before a request was sent. */
    REFUSED(1.0),
    /** The peer answered, but with an error or something unreadable. */
    ERROR(1.5),
    /** No answer within the deadline. */
    TIMEOUT(2.0),
    /** The peer, or our check of its answer, rejected the exchange: authentication, signature, abuse, policy. */
    REJECTED(4.0);

    private final double weight;

    Failure(double weight) {
        this.weight = weight;
    }

    /** {@return how many successes one failure of this kind outweighs in the decayed success rate} */
    public double weight() {
        return weight;
    }
}
