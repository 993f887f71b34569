package io.parley.core.auth;

import io.parley.core.bus.BusEvent;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.CoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sign-in, tokens and sign-out on the core's fixtures, with the clock the test moves. */
class AuthServiceTest {
    private static final String ADDRESS = "192.0.2.7";
    private final CoreFixture f = new CoreFixture();
    private final AuthService auth = f.auth;
    private final User ana = auth.createUser("Ana@Example.com", "ana", "Ana", CoreFixture.PASSWORD);

    private static ErrorCode refused(Executable call) {
        return assertThrows(ParleyException.class, call).code();
    }

    private Tokens login() {
        return auth.login("ana@example.com", CoreFixture.PASSWORD, ADDRESS);
    }

    @Test
    void anAccountIsUniqueByEmailAndHandleAndItsSecretStaysInside() {
        assertAll(
                () -> assertEquals("ana@example.com", ana.email()),
                () -> assertNull(ana.passwordHash()),
                () -> assertEquals(ErrorCode.CONFLICT, refused(() -> auth.createUser("ana@example.com", "ana2", null, CoreFixture.PASSWORD))),
                () -> assertEquals(ErrorCode.CONFLICT, refused(() -> auth.createUser("other@example.com", "ana", null, CoreFixture.PASSWORD))),
                () -> assertEquals(ErrorCode.INVALID, refused(() -> auth.createUser("b@example.com", "b", null, "short"))));
    }

    @Test
    void aWrongPasswordAndAnUnknownAccountReadTheSame() {
        ParleyException wrong = assertThrows(ParleyException.class, () -> auth.login("ana@example.com", "wrong password", ADDRESS));
        ParleyException unknown = assertThrows(ParleyException.class, () -> auth.login("nobody@example.com", "wrong password", ADDRESS));
        assertAll(
                () -> assertEquals(ErrorCode.UNAUTHORIZED, wrong.code()),
                () -> assertEquals(wrong.code(), unknown.code()),
                () -> assertEquals(wrong.getMessage(), unknown.getMessage()));
    }

    @Test
    void guessingBacksOffThenTheRightPasswordWorksAgain() {
        for (int i = 0; i < ThrottleSettings.DEFAULTS.freeFailures(); i++) {
            assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.login("ana@example.com", "guess", ADDRESS)));
        }
        assertEquals(ErrorCode.RATE_LIMITED, refused(this::login), "even the right password waits out the backoff");
        f.clock.advance(ThrottleSettings.DEFAULTS.baseDelay());
        assertEquals(ana.id(), login().user().id());
    }

    @Test
    void anAccessTokenLivesFifteenMinutes() {
        Tokens t = login();
        assertEquals(ana.id(), auth.authenticate(t.accessToken()).userId());
        f.clock.advance(AuthSettings.DEFAULTS.accessTtl());
        assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.authenticate(t.accessToken())));
    }

    @Test
    void aRefreshRotatesTheRefreshToken() {
        Tokens t = login();
        Tokens next = auth.refresh(t.refreshToken());
        assertAll(
                () -> assertEquals(ana.id(), auth.authenticate(next.accessToken()).userId()),
                () -> assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.refresh(t.refreshToken())), "used once"),
                () -> assertEquals(ana.id(), auth.refresh(next.refreshToken()).user().id()));
    }

    @Test
    void logoutEndsTheSessionEverywhere() {
        Tokens t = login();
        Principal p = auth.authenticate(t.accessToken());
        auth.logout(p);
        assertAll(
                () -> assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.authenticate(t.accessToken()))),
                () -> assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.refresh(t.refreshToken()))),
                () -> assertEquals(List.of(new BusEvent.SessionsRevoked(ana.id(), Set.of(p.sessionId()))),
                        f.bus.events(BusEvent.SessionsRevoked.class)));
    }

    @Test
    void aPasswordChangeNeedsTheOldOneAndSignsOutTheOtherSessions() {
        Principal here = auth.authenticate(login().accessToken());
        Tokens elsewhere = login();
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> auth.changePassword(here, "not it", "a new passphrase", ADDRESS)));
        auth.changePassword(here, CoreFixture.PASSWORD, "a new passphrase", ADDRESS);
        assertAll(
                () -> assertEquals(here.userId(), auth.authenticate(login("a new passphrase").accessToken()).userId()),
                () -> assertEquals(ErrorCode.UNAUTHORIZED, refused(() -> auth.authenticate(elsewhere.accessToken()))),
                () -> assertEquals(Set.of(), auth.inactiveSessions(List.of(here.sessionId())), "this session stays"),
                () -> assertEquals(ErrorCode.UNAUTHORIZED, refused(this::login), "the old password is gone"));
        f.clock.advance(Duration.ofHours(2)); // keep the failed guess above from backing off what follows
    }

    private Tokens login(String password) {
        return auth.login("ana@example.com", password, ADDRESS);
    }
}
