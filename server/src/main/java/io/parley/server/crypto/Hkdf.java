package io.parley.server.crypto;

import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;
import java.security.GeneralSecurityException;

/** HKDF with HMAC-SHA256 (RFC 5869), as the JDK's {@link KDF} computes it. */
public final class Hkdf {
    private Hkdf() {}

    /**
     * {@return {@code length} bytes (at most 255 × 32): HKDF-Extract with {@code salt} over {@code ikm}, then
     * HKDF-Expand with {@code info}}
     *
     * @param salt the salt; null or empty means the RFC's default, 32 zero bytes
     */
    public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        var extract = HKDFParameterSpec.ofExtract().addIKM(ikm);
        if (salt != null) extract.addSalt(salt); // an empty salt adds nothing, which is the RFC's default too
        try {
            // A KDF object is not thread-safe, and getting one costs microseconds: one per derivation.
            return KDF.getInstance("HKDF-SHA256").deriveData(extract.thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available", e);
        }
    }
}
