package io.parley.server.federation.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * TLS to a pod pinned to its certificate's key: {@code sha256/<base64>} of the DER SubjectPublicKeyInfo (the form
 * of HPKP and of curl's {@code --pinnedpubkey}). A pod whose public URL is https may name its pin
 * ({@code pod.tls_pin}); its invitations and accept calls carry it, and its peers then accept exactly a server
 * certificate with that key — self-signed or not, whatever host name it names — and nothing else: no CA can
 * stand in for it. The pin protects confidentiality and the peer's identity at the transport; the requests and
 * replies inside are signed with the pods' Ed25519 keys either way.
 *
 * <p>Print a certificate's pin with:
 * {@code openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64}
 * (and prefix {@code sha256/}).
 */
public final class TlsPin {
    private static final Logger log = LoggerFactory.getLogger(TlsPin.class);
    private static final Pattern FORM = Pattern.compile("^sha256/[A-Za-z0-9+/]{43}=$");

    private TlsPin() {}

    /** {@return whether the text is a pin: sha256/ and the base64 of 32 bytes} */
    public static boolean valid(String pin) {
        return pin != null && FORM.matcher(pin).matches();
    }

    /** {@return the pin of a public key} */
    static String of(PublicKey key) {
        try {
            return "sha256/" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    /** {@return a TLS context that accepts only a server whose certificate's key has this pin} */
    static SSLContext context(String peer, String pin) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new Pinned(peer, pin)}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /**
     * Checks the leaf certificate's key against the pin. An {@link X509ExtendedTrustManager}, so that JSSE leaves the
     * host name to it (and it has none to check: the pin names the key, not a host).
     */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String peer;
        private final byte[] pin;

        Pinned(String peer, String pin) {
            this.peer = peer;
            this.pin = pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) throw new CertificateException("no server certificate");
            byte[] got = of(chain[0].getPublicKey()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(pin, got)) {
                log.warn("the TLS certificate of pod {} does not have its pinned key; the connection is refused", peer);
                throw new CertificateException("the server's key does not match the pin of pod '" + peer + "'");
            }
            chain[0].checkValidity();
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException { check(chain); }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { refuse(); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { refuse(); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException { refuse(); }

        private static void refuse() throws CertificateException {
            throw new CertificateException("a pod client does not accept client certificates");
        }

        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
