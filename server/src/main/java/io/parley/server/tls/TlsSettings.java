package io.parley.server.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * HTTPS served by Parley itself, without a proxy; the app's {@code [server.tls]} configuration section, validated
 * there (the files included: both are read and checked at start).
 *
 * @param certificate PEM file with the server's certificate first, then any intermediates
 * @param privateKey PEM file with the certificate's private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted)
 * @param minVersion the oldest TLS version accepted (1.3)
 * @param hstsMaxAge {@code Strict-Transport-Security: max-age} sent on every response (365d; zero tells browsers to
 *     forget an earlier one)
 * @param redirectPort a plain-HTTP port that answers every request with a redirect to https and serves nothing else
 *     (none; 0 picks a free port, for tests)
 * @param reloadInterval how often the two files are checked for a change, which is loaded for new connections (30s)
 */
public record TlsSettings(Path certificate, Path privateKey, TlsVersion minVersion, Duration hstsMaxAge,
                          OptionalInt redirectPort, Duration reloadInterval) {
    public static final TlsVersion DEFAULT_MIN_VERSION = TlsVersion.TLS_1_3;
    public static final Duration DEFAULT_HSTS_MAX_AGE = Duration.ofDays(365);
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

    public TlsSettings {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(hstsMaxAge, "hstsMaxAge");
        Objects.requireNonNull(redirectPort, "redirectPort");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (hstsMaxAge.isNegative()) throw new IllegalArgumentException("hstsMaxAge must not be negative");
        if (!reloadInterval.isPositive()) throw new IllegalArgumentException("reloadInterval must be positive");
    }

    /** {@return the value of the {@code Strict-Transport-Security} header} */
    public String hstsHeader() {
        return "max-age=" + hstsMaxAge.toSeconds();
    }
}
