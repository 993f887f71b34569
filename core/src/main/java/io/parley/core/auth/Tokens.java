package io.parley.core.auth;

import java.time.Instant;

/** What sign-in and refresh hand out. The raw tokens exist only in this answer. */
public record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
                     User user) {}
