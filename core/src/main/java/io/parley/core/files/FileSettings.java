package io.parley.core.files;

import java.time.Duration;

/**
 * Limits of files (section {@code [files]}).
 *
 * @param maxBytes largest single upload (100 MiB)
 * @param workspaceQuotaBytes bytes of live files one workspace may hold (10 GiB)
 * @param unattachedTtl an upload no message claims within this time is deleted (24h)
 */
public record FileSettings(long maxBytes, long workspaceQuotaBytes, Duration unattachedTtl) {
    public static final FileSettings DEFAULTS = new FileSettings(100L << 20, 10L << 30, Duration.ofHours(24));

    public FileSettings {
        if (maxBytes < 1) throw new IllegalArgumentException("files.max_bytes must be positive");
        if (workspaceQuotaBytes < maxBytes) throw new IllegalArgumentException("files.workspace_quota_bytes must be at least files.max_bytes");
        if (unattachedTtl.isNegative() || unattachedTtl.isZero()) throw new IllegalArgumentException("files.unattached_ttl must be positive");
    }
}
