package io.parley.core.auth;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proof gate's policy on one node's ledger, with a clock that moves only when told. */
class ProofGateTest {
    private static final String ANA = "ana@example.com";
    private static final String HOME = "198.51.100.7";

    private final ManualClock clock = new ManualClock();
    private final MemoryFailureLedger ledger = new MemoryFailureLedger();
    private final ProofGate gate = new ProofGate(ledger, ThrottleSettings.DEFAULTS, clock);
    private final AtomicInteger proofsRun = new AtomicInteger();

    private Optional<String> fail(String account, String address) {
        return gate.attempt(ProofKind.PASSWORD, account, address, () -> {
            proofsRun.incrementAndGet();
            return Optional.empty();
        });
    }

    private Optional<String> pass(String account, String address) {
        return gate.attempt(ProofKind.PASSWORD, account, address, () -> {
            proofsRun.incrementAndGet();
            return Optional.of(account);
        });
    }

    /** {@return the seconds the gate says to wait, failing if it admits the attempt} */
    private int refusedFor(Runnable attempt) {
        ParleyException e = assertThrows(ParleyException.class, attempt::run);
        assertEquals(ErrorCode.RATE_LIMITED, e.code());
        return e.retryAfterSeconds();
    }

    @Test
    void fiveFailuresAreFreeThenTheWaitDoublesUpToTheCap() {
        for (int i = 0; i < 5; i++) assertTrue(fail(ANA, HOME).isEmpty());
        List<Integer> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int wait = refusedFor(() -> fail(ANA, HOME));
            waits.add(wait);
            clock.advance(Duration.ofSeconds(wait));
            fail(ANA, HOME);
        }
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900), waits);
        assertEquals(17, proofsRun.get(), "a refused attempt runs no proof");
        assertEquals(17, gate.failures(ProofKind.PASSWORD));
        assertEquals(12, gate.refusals(ThrottleReason.ACCOUNT_ADDRESS));
    }

    @Test
    void hammeringDuringTheBackoffNeitherRunsTheProofNorLengthensTheWait() {
        for (int i = 0; i < 5; i++) fail(ANA, HOME);
        clock.advanceMillis(400);
        for (int i = 0; i < 20; i++) assertEquals(1, refusedFor(() -> pass(ANA, HOME)), "the right proof is refused too");
        assertEquals(5, proofsRun.get());
        clock.advanceMillis(600);
        assertEquals(Optional.of(ANA), pass(ANA, HOME), "one base delay after the last failure");
    }

    @Test
    void aSuccessResetsTheAccountFromThatAddress() {
        for (int i = 0; i < 5; i++) fail(ANA, HOME);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of(ANA), pass(ANA, HOME));
        for (int i = 0; i < 5; i++) assertTrue(fail(ANA, HOME).isEmpty(), "free again after the success: " + i);
        assertEquals(1, refusedFor(() -> fail(ANA, HOME)));
    }

    @Test
    void anotherAddressIsNotHeldBackByTheStrictKey() {
        for (int i = 0; i < 5; i++) fail(ANA, HOME);
        refusedFor(() -> pass(ANA, HOME));
        assertEquals(Optional.of(ANA), pass(ANA, "203.0.113.9"));
        assertTrue(fail("bo@example.com", HOME).isEmpty(), "another account from the same address");
    }

    @Test
    void guessesFromManyAddressesMeetTheAccountCeiling() {
        for (int i = 0; i < 20; i++) fail(ANA, "192.0.2." + (i / 4)); // 4 per address: under the strict key's 5
        int wait = refusedFor(() -> pass(ANA, "192.0.2.200"));
        assertEquals(1, wait, "the account backs off from any address");
        assertEquals(1, gate.refusals(ThrottleReason.ACCOUNT));
        assertEquals(Optional.of("bo@example.com"), pass("bo@example.com", "192.0.2.200"), "other accounts are not held back");
    }

    @Test
    void oneAddressTryingManyAccountsMeetsTheAddressCeiling() {
        for (int i = 0; i < 100; i++) fail("user" + i + "@example.com", HOME);
        refusedFor(() -> pass("someone-new@example.com", HOME));
        assertEquals(1, gate.refusals(ThrottleReason.ADDRESS));
        assertEquals(Optional.of(ANA), pass(ANA, "203.0.113.9"), "other addresses are not held back");
    }

    @Test
    void aKeyQuietForTheForgetPeriodStartsOver() {
        for (int i = 0; i < 9; i++) {
            fail(ANA, HOME);
            clock.advance(Duration.ofMinutes(1)); // past every wait so far
        }
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) assertTrue(fail(ANA, HOME).isEmpty(), "forgotten: " + i);
        clock.advance(Duration.ofHours(2));
        ledger.evictIdle(clock.millis() - Duration.ofHours(1).toMillis());
        assertEquals(0, ledger.size(), "idle keys leave the ledger");
    }

    @Test
    void aProofThatCannotRunGivesItsReservationBack() {
        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalStateException.class, () -> gate.attempt(ProofKind.PASSWORD, ANA, HOME, () -> {
                throw new IllegalStateException("the hashing gate is full");
            }));
        }
        for (int i = 0; i < 5; i++) assertTrue(fail(ANA, HOME).isEmpty(), "still five free failures: " + i);
        refusedFor(() -> fail(ANA, HOME));
        assertEquals(5, ledger.read("password|address|" + HOME).failures(), "the address ceiling counted only the failures");
    }

    @Test
    @Timeout(10)
    void aConcurrentBurstGetsOnlyTheFreeAttempts() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gate.attempt(ProofKind.PASSWORD, ANA, HOME, () -> {
                        proofsRun.incrementAndGet();
                        try {
                            hold.await(5, TimeUnit.SECONDS); // every admitted proof is still running when the rest arrive
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Optional.empty();
                    });
                } catch (ParleyException e) {
                    refused.incrementAndGet();
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (refused.get() < 25 && System.nanoTime() < deadline) Thread.onSpinWait();
        hold.countDown();
        for (Thread t : threads) t.join();
        assertAll(() -> assertEquals(5, proofsRun.get(), "admitted"), () -> assertEquals(25, refused.get(), "refused"));
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        for (int i = 0; i < 5; i++) fail(ANA, "2001:db8:1:2::" + Integer.toHexString(i + 1));
        refusedFor(() -> pass(ANA, "2001:db8:1:2:ffff::1"));
        assertEquals(Optional.of(ANA), pass(ANA, "2001:db8:1:3::1"), "the next /64 is another client");
        assertEquals("20010db800010002::/64", ProofGate.addressKey("2001:db8:1:2:a:b:c:d"));
        assertEquals("192.0.2.1", ProofGate.addressKey("::ffff:192.0.2.1"));
        assertEquals("unknown", ProofGate.addressKey(""));
    }

    @Test
    void theSettingsRefuseALockoutOrAForgetPeriodThatUndoesTheCap() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> new ThrottleSettings(0, 20, 100, Duration.ofSeconds(1),
                        Duration.ofMinutes(15), Duration.ofHours(1))),
                () -> assertThrows(IllegalArgumentException.class, () -> new ThrottleSettings(5, 4, 100, Duration.ofSeconds(1),
                        Duration.ofMinutes(15), Duration.ofHours(1))),
                () -> assertThrows(IllegalArgumentException.class, () -> new ThrottleSettings(5, 20, 100, Duration.ofSeconds(1),
                        Duration.ofMinutes(15), Duration.ofMinutes(15))),
                () -> assertEquals(Duration.ofMinutes(15), ThrottleSettings.DEFAULTS.delayAfter(1_000_000, 5)));
    }
}
