package io.parley.core.auth;

import java.time.Duration;

/**
 * Token lifetimes and the password rule.
 *
 * @param accessTtl how long an access token lives (default 15 minutes)
 * @param refreshTtl how long a refresh token lives without use (default 7 days)
 * @param minPasswordLength shortest password accepted (default 8)
 */
public record AuthSettings(Duration accessTtl, Duration refreshTtl, int minPasswordLength) {
    public static final AuthSettings DEFAULTS = new AuthSettings(Duration.ofMinutes(15), Duration.ofDays(7), 8);
}
