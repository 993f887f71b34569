package io.parley.server.files;

import java.time.Duration;

/**
 * Virus scanning of uploads (keys {@code files.scan_*}).
 *
 * @param clamd where clamd listens; null: uploads are not scanned (the single-node default, with nothing installed)
 * @param connectTimeout how long connecting to clamd may take (2s)
 * @param timeout how long the scan of one file may take, from sending its first byte to clamd's verdict (30s)
 * @param acceptUnscanned store an upload clamd could not judge (down, too slow, over its {@code StreamMaxLength}),
 *     marked unscanned, instead of refusing it ({@code files.scan_unavailable = accept}; default refuse)
 */
public record ScanSettings(ClamdAddress clamd, Duration connectTimeout, Duration timeout, boolean acceptUnscanned) {
    /** Scanning off; the timeouts and the refusal that apply once an address is set. */
    public static final ScanSettings DEFAULTS = new ScanSettings(null, Duration.ofSeconds(2), Duration.ofSeconds(30), false);

    /** {@return whether uploads are scanned} */
    public boolean on() {
        return clamd != null;
    }
}
