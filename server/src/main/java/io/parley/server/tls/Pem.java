package io.parley.server.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PEM files as servers are handed them: certificates ({@code CERTIFICATE} blocks, in file order) and one private key
 * in any of the three common forms — PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) and SEC1 EC
 * ({@code EC PRIVATE KEY}, possibly after the {@code EC PARAMETERS} block {@code openssl ecparam -genkey} writes).
 * The two older forms are rewrapped as PKCS#8, so the JDK's own key factories read all three and the keys are the
 * JDK's, as JSSE wants them. Bouncy Castle (already the pod keys' library) only parses the ASN.1.
 *
 * <p>Encrypted keys are refused with a message that says how to decrypt them: a passphrase would have to sit in
 * the configuration beside the key, which protects it no better than the key file's own permissions.
 */
final class Pem {
    private static final Map<ASN1ObjectIdentifier, String> KEY_ALGORITHMS = Map.of(
            PKCSObjectIdentifiers.rsaEncryption, "RSA",
            PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS",
            X9ObjectIdentifiers.id_ecPublicKey, "EC",
            new ASN1ObjectIdentifier("1.3.101.112"), "Ed25519", // RFC 8410
            new ASN1ObjectIdentifier("1.3.101.113"), "Ed448");

    private Pem() {}

    /** A file that does not hold what it should; the message says what is wrong, never the key's bytes. */
    static final class BadPem extends Exception {
        BadPem(String message) {
            super(message);
        }
    }

    /** {@return the PEM blocks of a file, in order; text around them is ignored} */
    static List<PemObject> blocks(byte[] file) throws BadPem {
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader in = new PemReader(new StringReader(new String(file, StandardCharsets.US_ASCII)))) {
            for (PemObject o; (o = in.readPemObject()) != null; ) blocks.add(o);
        } catch (IOException | RuntimeException e) { // a damaged block: bad base64, or no END line
            throw new BadPem("is not a readable PEM file (" + e.getMessage() + ")");
        }
        return blocks;
    }

    /** {@return the certificates among the blocks, in order} */
    static List<X509Certificate> certificates(List<PemObject> blocks) throws BadPem {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemObject b : blocks) {
                if (!b.getType().equals("CERTIFICATE")) continue;
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.getContent())));
            }
        } catch (CertificateException e) {
            throw new BadPem("has a certificate that cannot be read (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) throw new BadPem("holds no certificate (no -----BEGIN CERTIFICATE----- block)");
        return List.copyOf(chain);
    }

    /** {@return the one private key among the blocks} */
    static PrivateKey privateKey(List<PemObject> blocks) throws BadPem {
        ASN1Primitive ecParameters = null;
        PrivateKeyInfo found = null;
        for (PemObject b : blocks) {
            PrivateKeyInfo key;
            try {
                switch (b.getType()) {
                    case "EC PARAMETERS" -> {
                        ecParameters = ASN1Primitive.fromByteArray(b.getContent());
                        continue;
                    }
                    case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
                    case "PRIVATE KEY" -> key = PrivateKeyInfo.getInstance(b.getContent());
                    case "RSA PRIVATE KEY" -> {
                        if (!b.getHeaders().isEmpty()) throw encrypted(); // Proc-Type: 4,ENCRYPTED
                        key = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                RSAPrivateKey.getInstance(b.getContent()));
                    }
                    case "EC PRIVATE KEY" -> {
                        if (!b.getHeaders().isEmpty()) throw encrypted();
                        ECPrivateKey ec = ECPrivateKey.getInstance(b.getContent());
                        var named = ec.getParametersObject(); // [0] curve, optional in SEC1
                        ASN1Primitive curve = named != null ? named.toASN1Primitive() : ecParameters;
                        if (curve == null) throw new BadPem("has an EC private key that names no curve");
                        key = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
                    }
                    default -> {
                        continue;
                    }
                }
            } catch (IOException | RuntimeException e) { // ASN.1 that is not what its label says
                throw new BadPem("has a '" + b.getType() + "' block that cannot be read (" + e.getMessage() + ")");
            }
            if (found != null) throw new BadPem("holds more than one private key");
            found = key;
        }
        if (found == null) {
            throw new BadPem("holds no private key (no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)");
        }
        return toJdk(found);
    }

    private static PrivateKey toJdk(PrivateKeyInfo info) throws BadPem {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm = KEY_ALGORITHMS.get(oid);
        if (algorithm == null) throw new BadPem("holds a key of an unsupported algorithm (" + oid + "); use RSA, EC or Ed25519");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new BadPem("holds an " + algorithm + " key the JDK cannot read (" + e.getMessage() + ")");
        }
    }

    private static BadPem encrypted() {
        return new BadPem("holds an encrypted private key; Parley reads unencrypted keys only (decrypt it with "
                + "'openssl pkey -in key.pem -out plain.pem' and keep the file readable by Parley's user alone)");
    }
}
