package io.parley.server;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Certificates for the TLS tests, made here with Bouncy Castle: a root CA and intermediates, server certificates for
 * 127.0.0.1 and localhost, PEM files in each private-key form Parley reads, client TLS contexts that trust the test
 * root alone (host names verified, as browsers do), and raw ClientHellos that offer exactly one protocol version.
 */
public final class TestTls {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ASN1ObjectIdentifier P256 = new ASN1ObjectIdentifier("1.2.840.10045.3.1.7");

    private TestTls() {}

    /** How a private key is written. */
    public enum KeyForm {
        /** {@code PRIVATE KEY} (PKCS#8), any algorithm. */
        PKCS8,
        /** {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC1, naming its curve), as openssl writes them. */
        TRADITIONAL,
        /** EC only: an {@code EC PARAMETERS} block, then an {@code EC PRIVATE KEY} that names no curve itself. */
        EC_PARAMETERS_BLOCK
    }

    /** A certificate authority: a root, or an intermediate under its parent. */
    public record Authority(String name, KeyPair keys, X509Certificate certificate, Authority parent) {
        /** {@return a new self-signed root} */
        public static Authority root(String name) {
            KeyPair keys = newKeys("EC");
            return new Authority(name, keys, sign(name, keys, name, keys, true, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(365))), null);
        }

        /** {@return a new intermediate authority issued by this one} */
        public Authority intermediate(String child) {
            KeyPair k = newKeys("EC");
            return new Authority(child, k, sign(child, k, name, keys, true, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(365))), this);
        }

        /** {@return a server certificate for 127.0.0.1 and localhost, valid from an hour ago for 30 days} */
        public Leaf issue(String keyAlgorithm) {
            return issue(keyAlgorithm, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
        }

        /** {@return a server certificate for 127.0.0.1 and localhost with this key type ("EC" or "RSA") and validity} */
        public Leaf issue(String keyAlgorithm, Instant notBefore, Instant notAfter) {
            KeyPair k = newKeys(keyAlgorithm);
            return new Leaf(k, sign("127.0.0.1", k, name, keys, false, notBefore, notAfter), chain());
        }

        /** {@return this authority's certificate and its parents', up to but without the root (what a server sends)} */
        List<X509Certificate> chain() {
            List<X509Certificate> c = new ArrayList<>();
            for (Authority a = this; a.parent != null; a = a.parent) c.add(a.certificate);
            return c;
        }
    }

    /** A server's certificate and key, and the intermediates that go after it in the certificate file. */
    public record Leaf(KeyPair keys, X509Certificate certificate, List<X509Certificate> intermediates) {
        public BigInteger serial() { return certificate.getSerialNumber(); }

        /** Writes the certificate (then the intermediates) and the key in this form. */
        public void write(Path certificateFile, Path keyFile, KeyForm form) throws IOException {
            writeCertificates(certificateFile, this.certificate, intermediates);
            writeKey(keyFile, keys, form);
        }

        /** Writes the certificate and the intermediates (the key is left alone). */
        public void writeCertificate(Path certificateFile) throws IOException {
            writeCertificates(certificateFile, this.certificate, intermediates);
        }
    }

    /** {@return TestServer settings serving these files} */
    public static Map<String, String> serverSettings(Path certificate, Path key) {
        return Map.of("server.tls.certificate", certificate.toString(), "server.tls.private_key", key.toString());
    }

    /** {@return a client context that trusts only this root} */
    public static SSLContext client(Authority root) {
        return new Recorder(root).context();
    }

    /** A client context that trusts only a root and records the server certificates it is shown. */
    public static final class Recorder {
        private final List<X509Certificate> seen = new CopyOnWriteArrayList<>();
        private final SSLContext context;

        public Recorder(Authority root) {
            try {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("root", root.certificate());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
                X509ExtendedTrustManager real = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new Recording(real, seen)}, null);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public SSLContext context() { return context; }

        /** {@return the server certificates seen, in order} */
        public List<X509Certificate> seen() { return List.copyOf(seen); }
    }

    /**
     * Connects with a fresh context trusting only this root, host name verified, offering these protocols (all the
     * client's defaults when none); {@return the server's certificate} @throws IOException if the handshake fails
     */
    public static X509Certificate handshake(Authority root, int port, String... protocols) throws IOException {
        try (SSLSocket s = open(client(root), port, protocols)) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** {@return an unconnected-handshake TLS socket to 127.0.0.1, host name verification on} */
    public static SSLSocket open(SSLContext context, int port, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) p.setProtocols(protocols);
        s.setSSLParameters(p);
        return s;
    }

    /** The first TLS record a server answers with: its content type (21 alert, 22 handshake), version and body. */
    public record Answer(int type, int version, byte[] body) {
        public static final int ALERT = 21;
        public static final int HANDSHAKE = 22;
        /** The alert a server sends when it will not speak the client's version (RFC 8446 §6.2). */
        public static final int PROTOCOL_VERSION = 70;

        public boolean isAlert(int description) { return type == ALERT && body.length == 2 && body[0] == 2 && body[1] == description; }

        public boolean isServerHello() { return type == HANDSHAKE && body.length > 0 && body[0] == 2; }

        /** {@return the version a ServerHello chose (its legacy_version field)} */
        public int serverHelloVersion() { return ((body[4] & 0xff) << 8) | (body[5] & 0xff); }

        @Override
        public String toString() {
            return "Answer[type=" + type + ", version=" + Integer.toHexString(version) + ", first bytes=" + java.util.HexFormat.of()
                    .formatHex(body, 0, Math.min(body.length, 8)) + "]";
        }
    }

    /**
     * Sends a ClientHello that offers exactly this version (0x0301 TLS 1.0, 0x0302 TLS 1.1, 0x0303 TLS 1.2) and nothing
     * newer: no supported_versions extension, so a server cannot pick 1.3. The suites are ECDHE with AES-GCM (usable
     * with 1.2) and with AES-CBC-SHA (usable with 1.0 and 1.1), so the version is the only reason to refuse it.
     * {@return the server's first record}
     */
    public static Answer offerOnly(int version, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(clientHello(version));
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int type = in.readUnsignedByte();
            int recordVersion = in.readUnsignedShort();
            byte[] body = new byte[in.readUnsignedShort()];
            in.readFully(body);
            return new Answer(type, recordVersion, body);
        }
    }

    /** {@return the bytes of a TLS record holding a ClientHello for exactly this version} */
    static byte[] clientHello(int version) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        u16(hello, version);                                  // client_version
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        hello.writeBytes(random);
        hello.write(0);                                       // no session id
        int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013, 0x00FF}; // ECDHE-ECDSA/RSA-AES128-GCM, -CBC-SHA, reneg SCSV
        u16(hello, suites.length * 2);
        for (int c : suites) u16(hello, c);
        hello.write(1);                                       // compression: null only
        hello.write(0);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        extension(ext, 0x000a, 0x0004, 0x0017, 0x001d);      // supported_groups: secp256r1, x25519
        u16(ext, 0x000b);                                     // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        extension(ext, 0x000d, 0x0006, 0x0403, 0x0804, 0x0401); // signature_algorithms
        u16(hello, ext.size());
        hello.writeBytes(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22);                                     // handshake
        u16(record, 0x0301);                                  // the record version clients use for their hello
        u16(record, hello.size() + 4);
        record.write(1);                                      // client_hello
        record.write(0);
        u16(record, hello.size());
        record.writeBytes(hello.toByteArray());
        return record.toByteArray();
    }

    /** An extension whose body is a u16 list length then u16 values. */
    private static void extension(ByteArrayOutputStream out, int type, int listBytes, int... values) {
        u16(out, type);
        u16(out, listBytes + 2);
        u16(out, listBytes);
        for (int v : values) u16(out, v);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v & 0xff);
    }

    private static KeyPair newKeys(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) g.initialize(new ECGenParameterSpec("secp256r1"));
            else g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca,
                                        Instant notBefore, Instant notAfter) {
        try {
            var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + subject), subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new EcdsaSigner(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    /** Writes PEM certificates, in order, to a file. */
    public static void writeCertificates(Path file, X509Certificate first, List<X509Certificate> rest) throws IOException {
        List<PemObject> blocks = new ArrayList<>();
        try {
            blocks.add(new PemObject("CERTIFICATE", first.getEncoded()));
            for (X509Certificate c : rest) blocks.add(new PemObject("CERTIFICATE", c.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        writePem(file, blocks);
    }

    /** Writes a private key in a form. */
    public static void writeKey(Path file, KeyPair keys, KeyForm form) throws IOException {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        boolean ec = keys.getPrivate().getAlgorithm().equals("EC");
        List<PemObject> blocks = switch (form) {
            case PKCS8 -> List.of(new PemObject("PRIVATE KEY", pkcs8));
            case TRADITIONAL -> ec
                    ? List.of(new PemObject("EC PRIVATE KEY", sec1(keys, true)))
                    : List.of(new PemObject("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded()));
            case EC_PARAMETERS_BLOCK -> List.of(new PemObject("EC PARAMETERS", P256.getEncoded()),
                    new PemObject("EC PRIVATE KEY", sec1(keys, false)));
        };
        writePem(file, blocks);
    }

    /** {@return the SEC1 ECPrivateKey of a P-256 pair, with its public key, naming its curve or not} */
    private static byte[] sec1(KeyPair keys, boolean withCurve) throws IOException {
        var point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
        BigInteger d = ((ECPrivateKey) keys.getPrivate()).getS();
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, point, withCurve ? P256 : null).getEncoded();
    }

    private static void writePem(Path file, List<PemObject> blocks) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter pem = new PemWriter(out)) {
            for (PemObject b : blocks) pem.writeObject(b);
        }
        Files.writeString(file, out.toString());
    }

    /**
     * Signs certificates with SHA256withECDSA through the JDK. Bouncy Castle's own signer builder is not used: its
     * algorithm table needs a bcutil class that bcprov also ships in an older form, and which one loads depends on
     * the class path's order.
     */
    private static final class EcdsaSigner implements ContentSigner {
        private static final org.bouncycastle.asn1.x509.AlgorithmIdentifier ECDSA_SHA256 =
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));
        private final java.security.PrivateKey key;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        EcdsaSigner(java.security.PrivateKey key) {
            this.key = key;
        }

        @Override public org.bouncycastle.asn1.x509.AlgorithmIdentifier getAlgorithmIdentifier() { return ECDSA_SHA256; }

        @Override public java.io.OutputStream getOutputStream() { return data; }

        @Override
        public byte[] getSignature() {
            try {
                java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
                s.initSign(key);
                s.update(data.toByteArray());
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Delegates every check to the real trust manager, and records the server certificate it was shown. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager real;
        private final List<X509Certificate> seen;

        Recording(X509ExtendedTrustManager real, List<X509Certificate> seen) {
            this.real = real;
            this.seen = seen;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            seen.add(chain[0]);
            real.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            seen.add(chain[0]);
            real.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a test client checks host names: connections go through a socket or an engine");
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { real.checkClientTrusted(chain, authType, socket); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException { real.checkClientTrusted(chain, authType, engine); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { real.checkClientTrusted(chain, authType); }
        @Override public X509Certificate[] getAcceptedIssuers() { return real.getAcceptedIssuers(); }
    }
}
