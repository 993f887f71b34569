package io.parley.server.api;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.AuthSession;
import io.parley.core.auth.AuthSettings;
import io.parley.core.auth.MemoryFailureLedger;
import io.parley.core.auth.ProofGate;
import io.parley.core.auth.ThrottleSettings;
import io.parley.core.auth.TokenCodec;
import io.parley.core.fixtures.MemorySessionStore;
import io.parley.core.fixtures.MemoryUserStore;
import io.parley.core.fixtures.PlainHasher;
import io.parley.core.fixtures.RecordingBus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A real {@link AuthService} over in-memory stores that hold one signed-in session with one valid access token, for
 * routing and parsing tests without a database.
 */
final class FakeAuth {
    static final String GOOD_TOKEN = "pat_good-token-for-tests";
    static final UUID USER = UUID.fromString("01900000-0000-7000-8000-000000000001");
    static final UUID SESSION = UUID.fromString("01900000-0000-7000-8000-000000000002");

    private FakeAuth() {}

    static AuthService create() {
        Instant now = Instant.now();
        Instant later = now.plus(Duration.ofDays(1)); // outlives any test run
        MemorySessionStore sessions = new MemorySessionStore();
        sessions.insertSession(new AuthSession(SESSION, USER, TokenCodec.hash("prt_refresh-for-tests"), later, now, null));
        sessions.insertAccessToken(TokenCodec.hash(GOOD_TOKEN), SESSION, USER, later);
        ProofGate proofs = new ProofGate(new MemoryFailureLedger(), ThrottleSettings.DEFAULTS, Clock.systemUTC());
        return new AuthService(new MemoryUserStore(), sessions, new PlainHasher(), proofs, new RecordingBus(),
                Clock.systemUTC(), AuthSettings.DEFAULTS);
    }
}
