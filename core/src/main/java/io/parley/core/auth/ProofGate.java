package io.parley.core.auth;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one gate every proof of identity goes through: a password today; second factors, passkeys and reset codes as
 * they come ({@link ProofKind}). It slows guessing down with an exponential backoff ({@link ThrottleSettings}) and
 * counts what it refused and what failed.
 *
 * <p>Keys. Failures of a proof kind are counted under three keys: the strict one, (account, client address), and
 * two looser ceilings, the account from any address and the address for any account. The account is what the
 * client claimed (the normalised e-mail), never what was found, and an attempt is refused before anything is looked
 * up, so a refusal reads the same whether the account exists or not. An IPv6 client counts by its /64, the block a
 * single host is usually given.
 *
 * <p>Algorithm. An attempt is admitted only if none of its three keys is waiting out a backoff. Admission reserves
 * the attempt as a failure under all three keys — the strict one checked and counted in one atomic update — so that
 * a burst of concurrent guesses cannot all slip in before the first failure is written. The outcome settles the
 * reservation: a failure stays counted; a success clears the strict key and gives the ceilings their reservation
 * back; a proof that could not run at all (the hashing gate was full, the store failed) gives back all three. A
 * refused attempt runs nothing and counts nothing, so hammering during a backoff does not lengthen it.
 *
 * <p>Lockout trade-off. A per-account limit alone would let anyone lock a victim out from anywhere; a per-address
 * limit alone lets a botnet guess from thousands of addresses. The strict key is the tight one (5 free failures);
 * the account ceiling (20) only bites when guesses come from many addresses, the address ceiling (100) when one
 * address sprays many accounts. An attacker spread over many addresses can still keep a victim's account backing
 * off; what bounds the harm is that delays are capped (15 minutes, never a lock), that only new sign-ins are
 * affected (signed-in sessions and token refresh never meet the gate), and that the attacker then gets one guess per
 * delay. A per-device token that exempts a known browser from the account ceiling is the next step.
 *
 * <p>Caveat. With a ledger shared by a pod's nodes the three keys are updated one after the other, not together: the
 * ceilings may admit a few more concurrent attempts than they count. The strict key never does.
 */
public final class ProofGate {
    private final FailureLedger ledger;
    private final ThrottleSettings settings;
    private final Clock clock;
    private final Map<ThrottleReason, LongAdder> refusals = new EnumMap<>(ThrottleReason.class);
    private final Map<ProofKind, LongAdder> failures = new EnumMap<>(ProofKind.class);

    public ProofGate(FailureLedger ledger, ThrottleSettings settings, Clock clock) {
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
        for (ThrottleReason r : ThrottleReason.values()) refusals.put(r, new LongAdder());
        for (ProofKind k : ProofKind.values()) failures.put(k, new LongAdder());
    }

    /**
     * Runs a proof for a claimed account from a client address, unless the claimant is backing off.
     *
     * @param account what the client claims to be (a normalised e-mail), whether or not such an account exists
     * @param address the client's address as the edge resolved it ("" when unknown)
     * @param proof checks the proof; {@return what it proved, or empty when it failed}
     * @return what the proof returned (empty: the proof failed, and counted)
     * @throws ParleyException RATE_LIMITED with the seconds to wait while a key backs off; whatever the proof throws
     */
    public <T> Optional<T> attempt(ProofKind kind, String account, String address, Supplier<Optional<T>> proof) {
        Keys keys = new Keys(kind, account, address);
        long now = clock.millis();
        admit(keys, now);
        Optional<T> proven;
        try {
            proven = proof.get();
        } catch (RuntimeException | Error e) { // the proof did not run to an answer: it was no guess
            for (String k : keys.all()) ledger.update(k, ProofGate::release);
            throw e;
        }
        if (proven.isPresent()) {
            ledger.update(keys.pair(), e -> FailureLedger.Entry.NONE);
            ledger.update(keys.account(), ProofGate::release);
            ledger.update(keys.address(), ProofGate::release);
        } else {
            failures.get(kind).increment();
        }
        return proven;
    }

    /** Refuses while any key backs off; otherwise reserves the attempt under all three keys. */
    private void admit(Keys keys, long now) {
        long accountWait = waitMillis(ledger.read(keys.account()), settings.accountFreeFailures(), now);
        long addressWait = waitMillis(ledger.read(keys.address()), settings.addressFreeFailures(), now);
        if (accountWait > 0 || addressWait > 0) {
            refuse(accountWait >= addressWait ? ThrottleReason.ACCOUNT : ThrottleReason.ADDRESS, Math.max(accountWait, addressWait));
        }
        UnaryOperator<FailureLedger.Entry> reserveUnlessWaiting = e ->
                waitMillis(e, settings.freeFailures(), now) > 0 ? e : reserve(e, now);
        FailureLedger.Change pair = ledger.update(keys.pair(), reserveUnlessWaiting);
        long pairWait = waitMillis(pair.before(), settings.freeFailures(), now);
        if (pairWait > 0) refuse(ThrottleReason.ACCOUNT_ADDRESS, pairWait);
        List<String> reserved = new ArrayList<>(List.of(keys.pair()));
        try {
            for (String ceiling : List.of(keys.account(), keys.address())) {
                ledger.update(ceiling, e -> reserve(e, now));
                reserved.add(ceiling);
            }
        } catch (RuntimeException e) { // not admitted after all (the ledger failed): give back what was reserved
            reserved.forEach(k -> ledger.update(k, ProofGate::release));
            throw e;
        }
    }

    private void refuse(ThrottleReason reason, long waitMillis) {
        refusals.get(reason).increment();
        int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (waitMillis + 999) / 1000));
        throw new ParleyException(ErrorCode.RATE_LIMITED, "too many failed attempts; try again in " + seconds
                + (seconds == 1 ? " second" : " seconds"), seconds, null);
    }

    /** {@return how long an attempt under this entry must still wait, 0 if none} */
    private long waitMillis(FailureLedger.Entry e, int free, long now) {
        FailureLedger.Entry current = current(e, now);
        if (current.failures() == 0) return 0;
        long until = current.lastMillis() + settings.delayAfter(current.failures(), free).toMillis();
        return Math.max(0, until - now);
    }

    /** {@return the entry, or nothing once it has been quiet for the forget period} */
    private FailureLedger.Entry current(FailureLedger.Entry e, long now) {
        return now - e.lastMillis() >= settings.forgetAfter().toMillis() ? FailureLedger.Entry.NONE : e;
    }

    private FailureLedger.Entry reserve(FailureLedger.Entry e, long now) {
        FailureLedger.Entry current = current(e, now);
        return new FailureLedger.Entry(current.failures() + 1, Math.max(now, current.lastMillis()));
    }

    private static FailureLedger.Entry release(FailureLedger.Entry e) {
        return e.failures() <= 1 ? FailureLedger.Entry.NONE : new FailureLedger.Entry(e.failures() - 1, e.lastMillis());
    }

    /** {@return attempts refused for a reason since start} */
    public long refusals(ThrottleReason reason) {
        return refusals.get(reason).sum();
    }

    /** {@return failed proofs of a kind since start} */
    public long failures(ProofKind kind) {
        return failures.get(kind).sum();
    }

    /** The ledger keys of one attempt. */
    private record Keys(String pair, String account, String address) {
        Keys(ProofKind kind, String account, String address) {
            this(kind.wire() + "|pair|" + account + "|" + addressKey(address), kind.wire() + "|account|" + account,
                    kind.wire() + "|address|" + addressKey(address));
        }

        List<String> all() {
            return List.of(pair, account, address);
        }
    }

    /** {@return the address as the gate counts it: IPv4 as is, IPv6 by its /64} */
    static String addressKey(String address) {
        if (address == null || address.isEmpty()) return "unknown";
        if (address.indexOf(':') < 0) return address;
        try {
            InetAddress a = InetAddress.ofLiteral(address);
            if (a instanceof Inet6Address) return HexFormat.of().formatHex(Arrays.copyOf(a.getAddress(), 8)) + "::/64";
            return a.getHostAddress(); // an IPv4-mapped IPv6 literal
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
