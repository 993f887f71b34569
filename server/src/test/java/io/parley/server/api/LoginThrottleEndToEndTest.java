package io.parley.server.api;

import io.parley.core.auth.PasswordHasher;
import io.parley.core.auth.Tokens;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.core.fixtures.ManualClock;
import io.parley.server.TestServer;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Brute-force protection of password checks, over real HTTP against a real node with a frozen clock: the backoff
 * after failed sign-ins and password changes, answers that do not tell whether an account exists, the client
 * address behind a trusted proxy, the bound on concurrent hashing, and the metrics.
 */
@Timeout(60)
class LoginThrottleEndToEndTest {
    private static final String LOGIN = "/api/v1/auth/login";
    private static final String DORA = "dora@example.com";
    private static final String DORAS = "password-dora";

    private final ManualClock clock = ManualClock.running();
    private final List<TestServer> servers = new ArrayList<>();
    private Http http;
    private Tokens dora;

    @BeforeEach
    void start() {
        TestServer server = start(Map.of(), UnaryOperator.identity());
        http = new Http(server.baseUrl());
        dora = Team.bootstrap(server).add("dora");
        clock.freeze();
    }

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private TestServer start(Map<String, String> config, UnaryOperator<PasswordHasher> hashers) {
        TestServer s = TestServer.start(config, clock, null, hashers);
        servers.add(s);
        return s;
    }

    private static Http.Res login(Http http, String email, String password) {
        return http.post(LOGIN, Map.of("email", email, "password", password), null);
    }

    /** What a client can tell an answer by: status, the headers that matter, and the body's bytes. */
    private record Answer(int status, String retryAfter, String contentType, String rateLimit, String body) {
        static Answer of(Http.Res r) {
            return new Answer(r.status(), r.header("Retry-After"), r.header("Content-Type"), r.header("X-RateLimit-Limit"), r.raw());
        }
    }

    private static int refusedFor(Http.Res r) {
        assertEquals(429, r.status(), r.raw());
        assertEquals("rate_limited", r.body().path("error").path("code").asText());
        int seconds = Integer.parseInt(r.header("Retry-After"));
        assertEquals(seconds, r.body().path("error").path("retryAfter").asInt(), "the body's retryAfter is the header's");
        return seconds;
    }

    @Test
    void thirtyWrongPasswordsInABurstMeetABackoffThatGrows() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) statuses.add(login(http, DORA, "wrong-" + i).status());
        assertEquals(List.of(401, 401, 401, 401, 401), statuses.subList(0, 5), "five failures are free");
        assertTrue(statuses.subList(5, 30).stream().allMatch(s -> s == 429), statuses.toString());

        List<Integer> waits = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            int wait = refusedFor(login(http, DORA, "still-wrong"));
            waits.add(wait);
            clock.advance(Duration.ofSeconds(wait));
            assertEquals(401, login(http, DORA, "still-wrong").status(), "one guess after each wait");
        }
        assertEquals(List.of(1, 2, 4, 8), waits);
    }

    @Test
    void theRightPasswordDuringTheBackoffGetsTheSameRefusal() {
        for (int i = 0; i < 5; i++) login(http, DORA, "wrong-" + i);
        Answer wrong = Answer.of(login(http, DORA, "wrong-again"));
        Answer right = Answer.of(login(http, DORA, DORAS));
        assertEquals(429, right.status());
        assertEquals(wrong, right, "nothing tells the right password apart while backing off");
    }

    @Test
    void anUnknownEmailGetsByteIdenticalAnswers() {
        String nobody = "nobody@example.com";
        for (int i = 0; i < 5; i++) {
            assertEquals(Answer.of(login(http, DORA, "wrong-" + i)), Answer.of(login(http, nobody, "wrong-" + i)), "failure " + i);
        }
        Answer known = Answer.of(login(http, DORA, DORAS));
        Answer unknown = Answer.of(login(http, nobody, "anything-at-all"));
        assertAll(() -> assertEquals(429, known.status()), () -> assertEquals("1", known.retryAfter()),
                () -> assertNull(known.rateLimit(), "no bucket sizes to compare"),
                () -> assertEquals(known, unknown, "the same refusal whether the account exists or not"));
        assertEquals(429, login(http, "  NoBody@Example.COM ", "x").status(), "the e-mail is counted as normalised");
    }

    @Test
    void anOverlongEmailIsRefusedBeforeItCanBecomeAKey() {
        Http.Res r = login(http, "a".repeat(400) + "@example.com", "anything");
        assertEquals(400, r.status(), r.raw());
        assertEquals("invalid_request", r.body().path("error").path("code").asText());
        assertEquals(0, Pods.metric(http.get("/metrics", null).raw(), "parley_auth_proof_failures_total", "proof", "password"));
    }

    @Test
    void afterTheBackoffTheRightPasswordWorksAndStartsOver() {
        for (int i = 0; i < 5; i++) login(http, DORA, "wrong-" + i);
        refusedFor(login(http, DORA, DORAS));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, login(http, DORA, DORAS).status());
        for (int i = 0; i < 5; i++) assertEquals(401, login(http, DORA, "wrong-" + i).status(), "free again: " + i);
        assertEquals(1, refusedFor(login(http, DORA, DORAS)), "and the backoff starts from the first step");
    }

    @Test
    void anotherClientAddressIsNotHeldBackByTheAccountAndAddressKey() throws Exception {
        for (int i = 0; i < 5; i++) login(http, DORA, "wrong-" + i);
        refusedFor(login(http, DORA, DORAS));
        Http elsewhere = http.from(InetAddress.getByName("127.0.0.2"));
        assertEquals(401, login(elsewhere, DORA, "wrong").status(), "a guess from another address is its own");
        assertEquals(200, login(elsewhere, DORA, DORAS).status());
        refusedFor(login(http, DORA, DORAS));
    }

    @Test
    void forwardedForCountsOnlyFromATrustedProxy() {
        // Trusting nobody (the default), a client cannot escape its backoff by naming another address.
        for (int i = 0; i < 5; i++) login(http.withHeader("X-Forwarded-For", "198.51.100." + i), DORA, "wrong-" + i);
        refusedFor(login(http.withHeader("X-Forwarded-For", "198.51.100.99"), DORA, DORAS));

        // Behind a trusted proxy the client is the right-most address the proxy did not add itself.
        TestServer behind = start(Map.of("server.trusted_proxies", "127.0.0.1/32, 10.0.0.0/8"), UnaryOperator.identity());
        Http proxy = new Http(behind.baseUrl());
        Team.bootstrap(behind).add("dora");
        Http attacker = proxy.withHeader("X-Forwarded-For", "192.0.2.1, 203.0.113.7, 10.1.2.3");
        for (int i = 0; i < 5; i++) assertEquals(401, login(attacker, DORA, "wrong-" + i).status());
        refusedFor(login(proxy.withHeader("X-Forwarded-For", "192.0.2.1, 203.0.113.7"), DORA, DORAS));
        assertEquals(200, login(proxy.withHeader("X-Forwarded-For", "203.0.113.8"), DORA, DORAS).status(), "another client");
        assertEquals(200, login(proxy.withHeader("X-Forwarded-For", "203.0.113.7, 203.0.113.8"), DORA, DORAS).status(),
                "a forged hop to the left changes nothing: the client is the one the proxy saw");
    }

    @Test
    void wrongCurrentPasswordsOnAPasswordChangeBackOffTheSameWay() {
        String change = "/api/v1/auth/password";
        for (int i = 0; i < 5; i++) {
            Http.Res r = http.post(change, Map.of("oldPassword", "wrong-" + i, "newPassword", "new-password-1"), dora.accessToken());
            assertEquals(403, r.status(), r.raw());
        }
        refusedFor(http.post(change, Map.of("oldPassword", "wrong-5", "newPassword", "new-password-1"), dora.accessToken()));
        refusedFor(http.post(change, Map.of("oldPassword", DORAS, "newPassword", "new-password-1"), dora.accessToken()));
        refusedFor(login(http, DORA, DORAS)); // one account, one address: the same key as sign-in
        clock.advance(Duration.ofSeconds(1));
        assertEquals(204, http.post(change, Map.of("oldPassword", DORAS, "newPassword", "new-password-1"), dora.accessToken()).status());
        assertEquals(200, login(http, DORA, "new-password-1").status());
    }

    @Test
    void successesAreNeverHeldBack() {
        for (int i = 0; i < 40; i++) assertEquals(200, login(http, DORA, DORAS).status(), "sign-in " + i);
        for (int i = 0; i < 10; i++) { // a typo now and then, each followed by the right password
            assertEquals(401, login(http, DORA, "typo").status());
            assertEquals(200, login(http, DORA, DORAS).status());
        }
    }

    @Test
    void refusalsAndFailuresAreCounted() {
        for (int i = 0; i < 5; i++) login(http, DORA, "wrong-" + i);
        for (int i = 0; i < 3; i++) login(http, DORA, DORAS);
        String metrics = http.get("/metrics", null).raw();
        assertAll(
                () -> assertEquals(3, Pods.metric(metrics, "parley_auth_throttled_total", "reason", "account_address")),
                () -> assertEquals(0, Pods.metric(metrics, "parley_auth_throttled_total", "reason", "hashing_busy")),
                () -> assertEquals(5, Pods.metric(metrics, "parley_auth_proof_failures_total", "proof", "password")),
                () -> assertTrue(!metrics.contains(DORA), "no account in the metrics"));
    }

    @Test
    void theHashingGateBoundsConcurrentChecksAndRefusesWhatCannotWait() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        var holding = new java.util.concurrent.atomic.AtomicBoolean();
        UnaryOperator<PasswordHasher> counting = real -> new PasswordHasher() { // counts what runs inside the gate
            @Override
            public String hash(CharSequence password) {
                return real.hash(password);
            }

            @Override
            public boolean verify(CharSequence password, String hash) {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    if (holding.get()) release.await(20, TimeUnit.SECONDS);
                    return real.verify(password, hash);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        };
        TestServer gated = start(Map.of("auth.hashing_concurrency", "2", "auth.hashing_wait", "200ms"), counting);
        Http h = new Http(gated.baseUrl());
        holding.set(true);
        Map<String, Http.Res> answers = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // eight accounts, so only the hashing gate can hold them back
            String email = "user" + i + "@example.com";
            clients.add(Thread.ofVirtual().start(() -> answers.put(email, login(h, email, "some-password"))));
        }
        Await.until(Duration.ofSeconds(20), "six refused while two hold the permits", () -> answers.size() == 6);
        assertEquals(2, inFlight.get());
        release.countDown();
        for (Thread t : clients) t.join();
        Map<Integer, Integer> byStatus = new HashMap<>();
        answers.values().forEach(r -> byStatus.merge(r.status(), 1, Integer::sum));
        String refusedEmail = answers.entrySet().stream().filter(e -> e.getValue().status() == 503).findFirst().orElseThrow().getKey();
        Http.Res busy = answers.get(refusedEmail);
        String metrics = h.get("/metrics", null).raw();
        assertAll(
                () -> assertEquals(Map.of(503, 6, 401, 2), byStatus),
                () -> assertEquals(2, most.get(), "never more than two hashings at once"),
                () -> assertEquals("1", busy.header("Retry-After")),
                () -> assertEquals("unavailable", busy.body().path("error").path("code").asText()),
                () -> assertEquals(6, Pods.metric(metrics, "parley_auth_throttled_total", "reason", "hashing_busy")));
        holding.set(false);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(h, refusedEmail, "x").status(), "a refused check was not counted as a guess: " + i);
        }
        refusedFor(login(h, refusedEmail, "x"));
    }
}
