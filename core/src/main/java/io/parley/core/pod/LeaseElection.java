package io.parley.core.pod;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the acting primary of each resilient channel while its primary is away (spec 001 §7, issue 7 §5).
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Deterministic winner.</b> When there is no lease, or it has lapsed, the winner is the best
 *       {@link Candidate#RANK ranked} candidate that is {@link Eligibility eligible} here (usable and with a
 *       trusted clock). Every pod with the same view picks the same pod, at term + 1.</li>
 *   <li><b>A live lease is respected.</b> Other pods do not take over a lease that has not lapsed; they do so
 *       only {@code maxClockSkew} after its expiry, while the holder stops acting {@code maxClockSkew} before
 *       it. A holder that is not renewed (dead, partitioned) therefore loses the channel within one lease.</li>
 *   <li><b>Hand-back.</b> The holder itself yields, at term + 1, to a better-ranked candidate that is eligible
 *       again (the primary came back). Only the holder decides this, so two pods with different health views
 *       cannot bounce the lease between them; the HealthManager's hysteresis keeps a flapping primary out.</li>
 *   <li><b>Conflicts.</b> Leases travel between pods ({@link #observe}). A higher term wins over a lower one (a
 *       stale holder steps down). Two different holders with the same term are a conflict, from views that
 *       disagreed: both sides resolve it alike, without consulting their views, by giving the better-ranked of
 *       the two holders the next term. The term doubles as a fencing token ({@link #accepts}), so writes of a
 *       holder that has not yet heard it lost are refused.</li>
 * </ul>
 * Thread-safe: every method holds the election's lock.
 */
public final class LeaseElection {
    private static final Logger log = LoggerFactory.getLogger(LeaseElection.class);

    /** What {@link #observe} made of a lease received from another pod. */
    public enum Outcome {
        /** Newer than what was known (or the first known): taken over. */
        ADOPTED,
        /** Same holder and term, a later expiry: the holder renewed. */
        RENEWED,
        /** Nothing new. */
        UNCHANGED,
        /** An older term: ignored. */
        STALE,
        /** Another holder at the same term: the conflict was resolved with a new term. */
        CONFLICT_RESOLVED
    }

    /** The outcome of an observation and the lease known afterwards. */
    public record Observation(Outcome outcome, Lease lease) {}

    private final String self;
    private final LeaseSettings settings;
    private final Eligibility eligibility;
    private final Clock clock;
    private final Map<String, Lease> leases = new HashMap<>();

    public LeaseElection(String self, LeaseSettings settings, Eligibility eligibility, Clock clock) {
        this.self = Objects.requireNonNull(self, "self");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.eligibility = Objects.requireNonNull(eligibility, "eligibility");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs the election for a channel: keeps a live lease, lets this pod hand its lease back to a better
     * candidate, or elects the best eligible candidate when the lease lapsed. {@return the lease now known, or
     * empty if there is none and no candidate is eligible}
     */
    public synchronized Optional<Lease> elect(String channelId, List<Candidate> candidates) {
        Instant now = clock.instant();
        Lease current = leases.get(channelId);
        Optional<Candidate> best = candidates.stream().filter(c -> eligibility.eligible(c.pod())).min(Candidate.RANK);
        if (current != null && !lapsed(current, now)) {
            if (current.holder().equals(self) && best.isPresent() && ranksBetter(best.get().pod(), self, candidates)) {
                log.info("Lease on {}: handing over from {} to {} at term {}", channelId, self, best.get().pod(), current.term() + 1);
                return Optional.of(install(channelId, best.get().pod(), current.term() + 1, now));
            }
            return Optional.of(current);
        }
        if (best.isEmpty()) {
            if (current != null) log.warn("Lease on {} lapsed and no candidate is eligible", channelId);
            return Optional.ofNullable(current);
        }
        long term = current == null ? 1 : current.term() + 1;
        log.info("Lease on {}: {} elected at term {}", channelId, best.get().pod(), term);
        return Optional.of(install(channelId, best.get().pod(), term, now));
    }

    /** Extends this pod's live lease by a full duration; {@return it, or empty if this pod holds none (or it ended)} */
    public synchronized Optional<Lease> renew(String channelId) {
        Instant now = clock.instant();
        Lease current = leases.get(channelId);
        if (current == null || !current.holder().equals(self) || !now.isBefore(current.expiresAt())) return Optional.empty();
        Lease renewed = new Lease(channelId, self, current.term(), now.plus(settings.leaseDuration()));
        leases.put(channelId, renewed);
        return Optional.of(renewed);
    }

    /** Folds in a lease another pod announced; see the class comment for the rules. */
    public synchronized Observation observe(Lease remote, List<Candidate> candidates) {
        Lease local = leases.get(remote.channelId());
        if (local == null || remote.term() > local.term()) {
            if (local != null && local.holder().equals(self) && !remote.holder().equals(self)) {
                log.info("Lease on {}: {} steps down, {} holds term {}", remote.channelId(), self, remote.holder(), remote.term());
            }
            leases.put(remote.channelId(), remote);
            return new Observation(Outcome.ADOPTED, remote);
        }
        if (remote.term() < local.term()) return new Observation(Outcome.STALE, local);
        if (remote.holder().equals(local.holder())) {
            if (!remote.expiresAt().isAfter(local.expiresAt())) return new Observation(Outcome.UNCHANGED, local);
            leases.put(remote.channelId(), remote);
            return new Observation(Outcome.RENEWED, remote);
        }
        String winner = ranksBetter(remote.holder(), local.holder(), candidates) ? remote.holder() : local.holder();
        long term = local.term() + 1;
        log.warn("Lease conflict on {}: {} and {} both hold term {}; {} wins term {}", remote.channelId(), local.holder(),
                remote.holder(), local.term(), winner, term);
        return new Observation(Outcome.CONFLICT_RESOLVED, install(remote.channelId(), winner, term, clock.instant()));
    }

    /** {@return the lease known for a channel, live or not} */
    public synchronized Optional<Lease> current(String channelId) {
        return Optional.ofNullable(leases.get(channelId));
    }

    /** {@return whether this pod may act as primary now: it holds the lease and is clear of its end by the skew margin} */
    public synchronized boolean isHolder(String channelId) {
        Lease current = leases.get(channelId);
        return current != null && current.holder().equals(self)
                && clock.instant().isBefore(current.expiresAt().minus(settings.maxClockSkew()));
    }

    /**
     * The fencing check for a configuration or membership change on a channel: {@return whether a write by
     * {@code holder} stamped with {@code term} is to be accepted — a newer term (learnt from it), or the current
     * term from the current holder}
     */
    public synchronized boolean accepts(String channelId, String holder, long term) {
        Lease current = leases.get(channelId);
        if (current == null || term > current.term()) return true;
        return term == current.term() && holder.equals(current.holder());
    }

    private boolean lapsed(Lease lease, Instant now) {
        if (lease.holder().equals(self)) return !now.isBefore(lease.expiresAt());
        return !now.isBefore(lease.expiresAt().plus(settings.maxClockSkew()));
    }

    private Lease install(String channelId, String holder, long term, Instant now) {
        Lease lease = new Lease(channelId, holder, term, now.plus(settings.leaseDuration()));
        leases.put(channelId, lease);
        return lease;
    }

    /** {@return whether pod a ranks strictly better than pod b; a pod missing from the candidates ranks last} */
    private static boolean ranksBetter(String a, String b, List<Candidate> candidates) {
        if (a.equals(b)) return false;
        Comparator<String> byRank = Comparator.comparing(
                (String pod) -> candidates.stream().filter(c -> c.pod().equals(pod)).findFirst().orElse(null),
                Comparator.nullsLast(Candidate.RANK)).thenComparing(Comparator.naturalOrder());
        return byRank.compare(a, b) < 0;
    }
}
