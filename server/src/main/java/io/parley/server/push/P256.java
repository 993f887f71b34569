package io.parley.server.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;

/**
 * NIST P-256 keys in the shapes Web Push uses: public keys as 65-byte uncompressed points
 * ({@code 0x04 || X || Y}), private keys as 32-byte scalars, both base64url without padding on the wire.
 */
final class P256 {
    /** Length of an uncompressed point. */
    static final int POINT_BYTES = 65;
    static final ECParameterSpec PARAMS = params();

    private P256() {}

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks P-256", e);
        }
    }

    /** {@return whether {@code raw} is an uncompressed point on the curve} (not the point at infinity) */
    static boolean isValidPoint(byte[] raw) {
        if (raw == null || raw.length != POINT_BYTES || raw[0] != 0x04) return false;
        BigInteger x = new BigInteger(1, raw, 1, 32);
        BigInteger y = new BigInteger(1, raw, 33, 32);
        EllipticCurve curve = PARAMS.getCurve();
        BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) return false;
        // y² = x³ + ax + b (mod p)
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    /** {@return the public key of an uncompressed point} @throws IllegalArgumentException if it is not on the curve */
    static ECPublicKey publicKey(byte[] raw) {
        if (!isValidPoint(raw)) throw new IllegalArgumentException("not an uncompressed P-256 point");
        ECPoint w = new ECPoint(new BigInteger(1, raw, 1, 32), new BigInteger(1, raw, 33, 32));
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 public key", e);
        }
    }

    /** {@return the private key of a 32-byte scalar} */
    static ECPrivateKey privateKey(byte[] scalar) {
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 private key", e);
        }
    }

    /** {@return the uncompressed point of a public key} */
    static byte[] raw(ECPublicKey key) {
        byte[] out = new byte[POINT_BYTES];
        out[0] = 0x04;
        put(key.getW().getAffineX(), out, 1);
        put(key.getW().getAffineY(), out, 33);
        return out;
    }

    /** {@return the 32-byte scalar of a private key} */
    static byte[] scalar(ECPrivateKey key) {
        byte[] out = new byte[32];
        put(key.getS(), out, 0);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray(); // big-endian, maybe with a sign byte, maybe shorter than 32
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }
}
