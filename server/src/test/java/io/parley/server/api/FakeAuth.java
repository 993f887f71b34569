package io.parley.server.api;

import io.parley.core.auth.AuthService;
import io.parley.core.auth.AuthSettings;
import io.parley.core.auth.MemoryFailureLedger;
import io.parley.core.auth.PasswordHasher;
import io.parley.core.auth.ProofGate;
import io.parley.core.auth.ThrottleSettings;
import io.parley.core.auth.TokenCodec;
import io.parley.core.bus.Bus;
import io.parley.core.store.SessionStore;
import io.parley.core.store.UserStore;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A real {@link AuthService} over stores that know nothing except one valid access token, for
 * routing and parsing tests without a database. Every other store call answers "nothing".
 */
final class FakeAuth {
    static final String GOOD_TOKEN = "pat_good-token-for-tests";
    static final UUID USER = UUID.fromString("01900000-0000-7000-8000-000000000001");
    static final UUID SESSION = UUID.fromString("01900000-0000-7000-8000-000000000002");

    private FakeAuth() {}

    static AuthService create() {
        String goodHash = TokenCodec.hash(GOOD_TOKEN);
        SessionStore sessions = empty(SessionStore.class, Map.of("accessGrant", args ->
                goodHash.equals(args[0])
                        ? Optional.of(new SessionStore.AccessGrant(SESSION, USER, Instant.now().plusSeconds(600), true))
                        : Optional.empty()));
        UserStore users = empty(UserStore.class, Map.of());
        Bus bus = empty(Bus.class, Map.of());
        PasswordHasher hasher = new PasswordHasher() {
            @Override public String hash(CharSequence password) { return "hash"; }
            @Override public boolean verify(CharSequence password, String hash) { return false; }
        };
        ProofGate proofs = new ProofGate(new MemoryFailureLedger(), ThrottleSettings.DEFAULTS, Clock.systemUTC());
        return new AuthService(users, sessions, hasher, proofs, bus, Clock.systemUTC(), AuthSettings.DEFAULTS);
    }

    interface Answer {
        Object apply(Object[] args);
    }

    /** {@return a proxy answering empty Optionals, empty collections, zero and false, except where overridden} */
    @SuppressWarnings("unchecked")
    static <T> T empty(Class<T> type, Map<String, Answer> overrides) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            Answer a = overrides.get(method.getName());
            if (a != null) return a.apply(args);
            Class<?> r = method.getReturnType();
            if (method.getName().equals("toString")) return "fake " + type.getSimpleName();
            if (method.getName().equals("hashCode")) return System.identityHashCode(proxy);
            if (method.getName().equals("equals")) return proxy == args[0];
            if (r == Optional.class) return Optional.empty();
            if (r == List.class) return List.of();
            if (r == Set.class) return Set.of();
            if (r == long.class) return 0L;
            if (r == int.class) return 0;
            if (r == boolean.class) return false;
            return null;
        });
    }
}
