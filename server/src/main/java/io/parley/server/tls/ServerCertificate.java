package io.parley.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The certificate chain (the server's own certificate first, then its intermediates) and the private key that
 * Parley serves, read from two PEM files and checked the same way at start and at every reload: both files read,
 * the key is the certificate's (a signature made with it verifies with the certificate's public key), each
 * certificate is followed by its issuer, and none is expired or not yet valid. An expired certificate is an error,
 * not a warning: every client would refuse it, so starting (or reloading) with it serves nobody, while refusing
 * keeps the previous certificate in service on a reload and names the problem at start. One that expires within
 * {@link #EXPIRY_WARNING} is served with a warning in the log.
 *
 * @param chain the certificates, the server's own first
 * @param key the private key of {@code chain.getFirst()}
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
    /** A certificate this close to its end is logged as a warning at every load. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    public ServerCertificate {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) throw new IllegalArgumentException("a chain has at least the server's certificate");
    }

    /** Thrown with every problem found in a certificate and key pair. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        /** {@return each problem, one sentence each} */
        public List<String> problems() { return problems; }
    }

    /**
     * The two files' bytes, read once: what is checked is exactly what is served (and what a reload compares).
     *
     * @param certificatePath names the certificate file in problems
     * @param keyPath names the key file in problems
     */
    record Contents(Path certificatePath, byte[] certificate, Path keyPath, byte[] privateKey) {
        /** {@return both files' bytes} @throws Invalid naming each file that cannot be read */
        static Contents read(Path certificate, Path privateKey) throws Invalid {
            List<String> problems = new ArrayList<>();
            byte[] cert = readFile("certificate", certificate, problems);
            byte[] key = readFile("private key", privateKey, problems);
            if (!problems.isEmpty()) throw new Invalid(problems);
            return new Contents(certificate, cert, privateKey, key);
        }

        /** {@return whether these are the same bytes as another read's} */
        boolean same(Contents other) {
            return other != null && java.util.Arrays.equals(certificate, other.certificate) && java.util.Arrays.equals(privateKey, other.privateKey);
        }
    }

    /** {@return the pair in these files, checked at this instant} @throws Invalid with every problem found */
    public static ServerCertificate read(Path certificate, Path privateKey, Instant now) throws Invalid {
        return parse(Contents.read(certificate, privateKey), now);
    }

    /** {@return the pair in these bytes, checked at this instant} @throws Invalid with every problem found */
    static ServerCertificate parse(Contents files, Instant now) throws Invalid {
        Path certificatePath = files.certificatePath();
        Path keyPath = files.keyPath();
        List<String> problems = new ArrayList<>();
        List<X509Certificate> chain = null;
        PrivateKey key = null;
        try {
            chain = Pem.certificates(Pem.blocks(files.certificate()));
        } catch (Pem.BadPem e) {
            problems.add("certificate file " + certificatePath + " " + e.getMessage());
        }
        try {
            key = Pem.privateKey(Pem.blocks(files.privateKey()));
        } catch (Pem.BadPem e) {
            problems.add("private key file " + keyPath + " " + e.getMessage());
        }
        if (chain != null) {
            checkOrder(chain, certificatePath, problems);
            for (X509Certificate c : chain) checkValidity(c, now, problems);
        }
        if (chain != null && key != null && !matches(key, chain.getFirst())) {
            problems.add("private key file " + keyPath + " holds a key that is not the key of the certificate in " + certificatePath
                    + " (" + subject(chain.getFirst()) + ")");
        }
        if (!problems.isEmpty()) throw new Invalid(problems);
        return new ServerCertificate(chain, key);
    }

    @Override
    public String toString() { // keeps the key out of logs, whatever the key class prints
        return "ServerCertificate[" + describe() + "]";
    }

    /** {@return the server's own certificate} */
    public X509Certificate leaf() { return chain.getFirst(); }

    /** {@return what the log says about this certificate: subject, serial and end (nothing secret)} */
    public String describe() {
        return subject(leaf()) + ", serial " + leaf().getSerialNumber().toString(16) + ", valid until " + leaf().getNotAfter().toInstant();
    }

    /** {@return a warning if the certificate ends within {@link #EXPIRY_WARNING} of this instant} */
    public Optional<String> expiryWarning(Instant now) {
        Instant end = leaf().getNotAfter().toInstant();
        if (end.isAfter(now.plus(EXPIRY_WARNING))) return Optional.empty();
        return Optional.of("the TLS certificate " + describe() + " expires in " + Duration.between(now, end).toHours()
                + " hours; renew it (a changed file is loaded without a restart)");
    }

    private static byte[] readFile(String what, Path path, List<String> problems) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            problems.add(what + " file " + path + " does not exist");
        } catch (IOException e) {
            problems.add(what + " file " + path + " cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return null;
    }

    /** Clients build the path from the order of the file: each certificate must be followed by its issuer. */
    private static void checkOrder(List<X509Certificate> chain, Path path, List<String> problems) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                problems.add("certificate file " + path + " is out of order: certificate " + (i + 2) + " (" + subject(chain.get(i + 1))
                        + ") did not issue certificate " + (i + 1) + " (" + subject(chain.get(i)) + "); put the server's certificate "
                        + "first, then each certificate's issuer");
                return;
            }
        }
    }

    private static void checkValidity(X509Certificate c, Instant now, List<String> problems) {
        if (c.getNotAfter().toInstant().isBefore(now)) {
            problems.add("the certificate " + subject(c) + " expired at " + c.getNotAfter().toInstant());
        } else if (c.getNotBefore().toInstant().isAfter(now)) {
            problems.add("the certificate " + subject(c) + " is not valid before " + c.getNotBefore().toInstant());
        }
    }

    /** A signature made with the key verifies with the certificate's public key exactly when they are a pair. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // RSASSA-PSS needs parameters; let the handshake judge it
        };
        if (algorithm == null) return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm());
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) { // e.g. an RSA key against an EC certificate
            return false;
        }
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
