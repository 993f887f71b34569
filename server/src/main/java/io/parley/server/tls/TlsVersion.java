package io.parley.server.tls;

import java.util.List;
import java.util.Optional;

/**
 * The oldest TLS version the server accepts ({@code server.tls.min_version}). The enabled protocols are always set
 * from this, never left to the JDK's defaults, so a JDK whose security policy still allows TLS 1.0 or 1.1 does not
 * make Parley accept them.
 */
public enum TlsVersion {
    /** TLS 1.2 and 1.3: for clients that cannot speak 1.3 yet. */
    TLS_1_2("1.2", List.of("TLSv1.3", "TLSv1.2")),
    /** TLS 1.3 only (the default). */
    TLS_1_3("1.3", List.of("TLSv1.3"));

    private final String setting;
    private final List<String> protocols;

    TlsVersion(String setting, List<String> protocols) {
        this.setting = setting;
        this.protocols = protocols;
    }

    /** {@return the version as the setting writes it: "1.3" or "1.2"} */
    public String setting() { return setting; }

    /** {@return the JSSE protocol names enabled at this minimum, newest first} */
    public List<String> protocols() { return protocols; }

    /** {@return the version a setting names, if it names one} */
    public static Optional<TlsVersion> of(String setting) {
        for (TlsVersion v : values()) if (v.setting.equals(setting)) return Optional.of(v);
        return Optional.empty();
    }
}
