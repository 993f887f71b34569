package io.parley.core.auth;

/** Hashes passwords with a slow, salted algorithm (Argon2id) and verifies them. */
public interface PasswordHasher {
    /** {@return a self-describing hash (PHC string) of the password} */
    String hash(CharSequence password);

    /** {@return whether the password matches the hash} */
    boolean verify(CharSequence password, String hash);
}
