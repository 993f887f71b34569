package io.parley.core.auth;

import java.util.Locale;

/**
 * A way of proving who one is, as the {@link ProofGate} counts it. Each kind keeps its own failure counts, so
 * that passing one proof (a password) never clears the failures of another (a second factor that follows it).
 * TOTP codes, passkeys and reset codes join this set when they come.
 */
public enum ProofKind {
    /** The account's password: at sign-in, and as the current password when changing it. */
    PASSWORD;

    /** {@return the kind as metrics and ledger keys name it} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
