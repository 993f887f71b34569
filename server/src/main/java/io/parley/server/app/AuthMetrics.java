package io.parley.server.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.core.auth.BoundedHasher;
import io.parley.core.auth.ProofGate;
import io.parley.core.auth.ProofKind;
import io.parley.core.auth.ThrottleReason;

/**
 * The metrics of the proof gate and the hashing bound: {@code parley_auth_throttled_total{reason}} (attempts refused
 * before any proof ran: {@code account_address}, {@code account}, {@code address}, {@code hashing_busy}),
 * {@code parley_auth_proof_failures_total{proof}} and {@code parley_auth_hashing_in_flight}.
 */
final class AuthMetrics {
    private AuthMetrics() {}

    static void register(MeterRegistry registry, ProofGate gate, BoundedHasher hashing) {
        String refused = "proof attempts refused before they ran, by reason";
        for (ThrottleReason r : ThrottleReason.values()) {
            FunctionCounter.builder("parley_auth_throttled", gate, g -> g.refusals(r)).tag("reason", r.wire())
                    .description(refused).register(registry);
        }
        FunctionCounter.builder("parley_auth_throttled", hashing, BoundedHasher::refusals).tag("reason", "hashing_busy")
                .description(refused).register(registry);
        for (ProofKind k : ProofKind.values()) {
            FunctionCounter.builder("parley_auth_proof_failures", gate, g -> g.failures(k)).tag("proof", k.wire())
                    .description("failed proofs of identity (wrong passwords), by kind").register(registry);
        }
        Gauge.builder("parley_auth_hashing_in_flight", hashing, BoundedHasher::inFlight)
                .description("password hashings running now").register(registry);
    }
}
