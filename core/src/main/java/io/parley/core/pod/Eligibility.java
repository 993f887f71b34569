package io.parley.core.pod;

import java.time.Duration;
import java.util.Objects;

/** Decides whether a pod may take a conflict-sensitive role (acting primary) right now, as seen from here. */
@FunctionalInterface
public interface Eligibility {
    /** {@return whether the pod may hold a lease} */
    boolean eligible(String pod);

    /**
     * {@return the rule from the HealthManager: this pod always; a peer when it is usable and its clock offset
     * was measured and is within {@code maxSkew} (an unmeasured clock is not trusted with a lease)}
     */
    static Eligibility fromHealth(HealthManager health, String self, Duration maxSkew) {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(maxSkew, "maxSkew");
        return pod -> {
            if (pod.equals(self)) return true;
            PeerHealth h = health.health(pod);
            return h.usable() && h.clockOffset() != null && h.clockOffset().abs().compareTo(maxSkew) <= 0;
        };
    }
}
