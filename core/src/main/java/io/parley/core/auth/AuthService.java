package io.parley.core.auth;

import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.store.SessionStore;
import io.parley.core.store.UserStore;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Accounts and sign-in. Login gives an access token (short) and a refresh token (long); both are
 * random secrets stored only as hashes. Refresh rotates the refresh token. Logout, password change
 * and removal revoke sessions and tell every node, whose gateways close the affected sockets. Every
 * password check goes through the {@link ProofGate}, which backs off after failures.
 */
public final class AuthService {
    // One hash to compare against when the e-mail is unknown, so both paths cost the same.
    private final String decoyHash;

    private final UserStore users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final ProofGate proofs;
    private final Bus bus;
    private final Clock clock;
    private final AuthSettings settings;

    /** @param proofs the gate every password check goes through (backoff after failures) */
    public AuthService(UserStore users, SessionStore sessions, PasswordHasher hasher, ProofGate proofs, Bus bus, Clock clock,
                       AuthSettings settings) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.proofs = proofs;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
        this.decoyHash = hasher.hash("decoy-password-for-timing");
    }

    /** Creates a user account (the caller decides whether sign-up is allowed). */
    public User createUser(String email, String handle, String displayName, String password) {
        String e = Input.email(email);
        String h = Input.handle(handle);
        String name = displayName == null || displayName.isBlank() ? h : Input.name("displayName", displayName, 80);
        String pw = Input.password(password, settings.minPasswordLength());
        User user = new User(Uuid7.next(), e, h, name, hasher.hash(pw), clock.instant(), false);
        users.insert(user);
        return user.withoutSecret();
    }

    /**
     * Signs in with e-mail and password, through the {@link ProofGate} (keyed by the e-mail as given, whether or not
     * such an account exists, and the client's address).
     *
     * @param address the client's address, as the edge resolved it
     * @throws ParleyException INVALID for a blank or over-long e-mail; UNAUTHORIZED on any mismatch (without saying which);
     *     RATE_LIMITED while backing off after failures; UNAVAILABLE when no password can be checked now
     */
    public Tokens login(String email, String password, String address) {
        if (email == null || password == null) throw ParleyException.invalid("email and password are required");
        // Bounded like a stored e-mail: the gate remembers what was claimed, so a huge claim must not become a huge key.
        String claimed = Input.text("email", email, 320).toLowerCase(java.util.Locale.ROOT);
        User user = proofs.attempt(ProofKind.PASSWORD, claimed, address, () -> passwordOf(claimed, password))
                .orElseThrow(() -> ParleyException.unauthorized("wrong e-mail or password"));
        return startSession(user);
    }

    /** {@return the active account with this e-mail and password} Always one hashing, so no path answers faster. */
    private Optional<User> passwordOf(String email, String password) {
        Optional<User> found = users.byEmail(email);
        if (found.isEmpty()) {
            hasher.verify(password, decoyHash);
            return Optional.empty();
        }
        User user = found.get();
        return hasher.verify(password, user.passwordHash()) && !user.deactivated() ? found : Optional.empty();
    }

    /** Opens a session for a user who has just proven who they are (login, sign-up). */
    public Tokens startSession(User user) {
        Instant now = clock.instant();
        String refresh = TokenCodec.mint("prt_");
        AuthSession session = new AuthSession(Uuid7.next(), user.id(), TokenCodec.hash(refresh),
                now.plus(settings.refreshTtl()), now, null);
        sessions.insertSession(session);
        return issueAccess(user, session, refresh);
    }

    /** Trades a refresh token for new tokens; the old refresh token stops working. */
    public Tokens refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) throw ParleyException.invalid("refreshToken is required");
        Instant now = clock.instant();
        String oldHash = TokenCodec.hash(refreshToken);
        AuthSession session = sessions.sessionByRefreshHash(oldHash)
                .filter(s -> s.activeAt(now))
                .orElseThrow(() -> ParleyException.unauthorized("refresh token is invalid or expired"));
        User user = users.byId(session.userId()).filter(u -> !u.deactivated())
                .orElseThrow(() -> ParleyException.unauthorized("account is deactivated"));
        String refresh = TokenCodec.mint("prt_");
        Instant refreshExpires = now.plus(settings.refreshTtl());
        if (!sessions.rotateRefresh(session.id(), oldHash, TokenCodec.hash(refresh), refreshExpires)) {
            throw ParleyException.unauthorized("refresh token is invalid or expired");
        }
        AuthSession rotated = new AuthSession(session.id(), session.userId(), TokenCodec.hash(refresh), refreshExpires,
                session.createdAt(), null);
        return issueAccess(user, rotated, refresh);
    }

    private Tokens issueAccess(User user, AuthSession session, String refresh) {
        Instant now = clock.instant();
        String access = TokenCodec.mint("pat_");
        Instant accessExpires = now.plus(settings.accessTtl());
        sessions.insertAccessToken(TokenCodec.hash(access), session.id(), user.id(), accessExpires);
        return new Tokens(access, accessExpires, refresh, session.refreshExpiresAt(), user.withoutSecret());
    }

    /** {@return the principal behind an access token} @throws ParleyException UNAUTHORIZED if unknown, expired or revoked */
    public Principal authenticate(String accessToken) {
        if (accessToken == null || accessToken.isBlank()) throw ParleyException.unauthorized("missing access token");
        Instant now = clock.instant();
        SessionStore.AccessGrant grant = sessions.accessGrant(TokenCodec.hash(accessToken), now)
                .orElseThrow(() -> ParleyException.unauthorized("invalid access token"));
        if (!grant.sessionActive()) throw ParleyException.unauthorized("session was signed out");
        if (!now.isBefore(grant.expiresAt())) throw ParleyException.unauthorized("access token expired");
        return new Principal(grant.userId(), grant.sessionId(), grant.expiresAt());
    }

    /** Ends the caller's session everywhere it is connected. */
    public void logout(Principal principal) {
        sessions.revokeSession(principal.sessionId(), clock.instant());
        bus.publish(new BusEvent.SessionsRevoked(principal.userId(), Set.of(principal.sessionId())));
    }

    /**
     * Changes the password and signs out every other session of the user. The current password is a proof like a
     * sign-in's, through the same gate and counted under the same keys (the account's e-mail and the address).
     *
     * @param address the client's address, as the edge resolved it
     * @throws ParleyException FORBIDDEN if the current password is wrong; RATE_LIMITED while backing off after failures
     */
    public void changePassword(Principal principal, String oldPassword, String newPassword, String address) {
        User user = users.byId(principal.userId()).orElseThrow(() -> ParleyException.unauthorized("no such user"));
        String next = Input.password(newPassword, settings.minPasswordLength()); // checked first: a bad one costs no guess
        if (oldPassword == null) throw ParleyException.forbidden("current password is wrong");
        proofs.attempt(ProofKind.PASSWORD, user.email(), address,
                        () -> hasher.verify(oldPassword, user.passwordHash()) ? Optional.of(user) : Optional.<User>empty())
                .orElseThrow(() -> ParleyException.forbidden("current password is wrong"));
        users.updatePasswordHash(user.id(), hasher.hash(next));
        revokeAll(user.id(), principal.sessionId());
    }

    /** Signs a user out everywhere except {@code keep} (may be null), closing their sockets. */
    public void revokeAll(UUID userId, UUID keep) {
        Set<UUID> revoked = sessions.revokeAllSessions(userId, keep, clock.instant());
        if (!revoked.isEmpty()) bus.publish(new BusEvent.SessionsRevoked(userId, revoked));
    }

    /** {@return those sessions, among the given ones, that are no longer active} (the gateway's sweep) */
    public Set<UUID> inactiveSessions(java.util.Collection<UUID> sessionIds) {
        return sessions.inactiveAmong(sessionIds, clock.instant());
    }

    public Optional<User> user(UUID id) {
        return users.byId(id).map(User::withoutSecret);
    }

    /** {@return the users with these ids, without secrets} */
    public java.util.List<User> users(java.util.Collection<UUID> ids) {
        return users.byIds(ids).stream().map(User::withoutSecret).toList();
    }

    /** Updates the caller's own handle and display name. */
    public User updateProfile(Principal principal, String handle, String displayName) {
        User user = users.byId(principal.userId()).orElseThrow(() -> ParleyException.notFound("no such user"));
        String h = handle == null ? user.handle() : Input.handle(handle);
        String d = displayName == null ? user.displayName() : Input.name("displayName", displayName, 80);
        users.updateProfile(user.id(), h, d);
        return users.byId(user.id()).orElseThrow().withoutSecret();
    }
}
