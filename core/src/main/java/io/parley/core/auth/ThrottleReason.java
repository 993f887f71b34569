package io.parley.core.auth;

import java.util.Locale;

/** Which of the {@link ProofGate}'s keys refused an attempt because it is waiting out a backoff. */
public enum ThrottleReason {
    /** The strict key: this account from this client address. */
    ACCOUNT_ADDRESS,
    /** The account from any address (a looser ceiling against guesses spread over many addresses). */
    ACCOUNT,
    /** The client address for any account (a looser ceiling against one address trying many accounts). */
    ADDRESS;

    /** {@return the reason as the metric's tag names it} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
