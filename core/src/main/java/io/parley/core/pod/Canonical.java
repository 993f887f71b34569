package io.parley.core.pod;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** A SHA-256 fed with length-prefixed fields, so no two different states encode alike: the pods' digests. */
final class Canonical {
    private final MessageDigest sha;
    private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

    Canonical() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    void longValue(long v) {
        scratch.clear();
        sha.update(scratch.putLong(v).array());
    }

    void bool(boolean b) {
        sha.update(b ? (byte) 1 : (byte) 0);
    }

    void string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        longValue(bytes.length);
        sha.update(bytes);
    }

    void uuid(UUID id) {
        longValue(id.getMostSignificantBits());
        longValue(id.getLeastSignificantBits());
    }

    byte[] finish() {
        return sha.digest();
    }
}
