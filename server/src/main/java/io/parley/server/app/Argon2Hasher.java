package io.parley.server.app;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.parley.core.auth.PasswordHasher;

/** Argon2id password hashing (RFC 9106) through Password4j, stored as PHC strings. */
final class Argon2Hasher implements PasswordHasher {
    private final Argon2Function argon2;

    Argon2Hasher(int memoryKib, int iterations) {
        this.argon2 = Argon2Function.getInstance(memoryKib, iterations, 1, 32, Argon2.ID);
    }

    @Override
    public String hash(CharSequence password) {
        return Password.hash(password).addRandomSalt(16).with(argon2).getResult();
    }

    @Override
    public boolean verify(CharSequence password, String hash) {
        if (hash == null || !hash.startsWith("$argon2id$")) return false;
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }
}
