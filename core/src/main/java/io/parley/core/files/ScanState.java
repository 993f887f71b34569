package io.parley.core.files;

import java.util.Locale;

/**
 * What is known of a stored file's malware scan. A file with no state (null) was stored while scanning was off,
 * or is a remote file whose bytes stay on their origin pod.
 */
public enum ScanState {
    /** The scanner looked and found nothing. */
    CLEAN,
    /**
     * The scanner could not judge it (down, too slow, or the file was over its size limit) and the server is set to
     * accept such uploads ({@code files.scan_unavailable = accept}).
     */
    UNSCANNED;

    /** {@return the name stored and shown in the API} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the state of a stored name, or null for none} */
    public static ScanState ofWire(String wire) {
        return wire == null ? null : valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
