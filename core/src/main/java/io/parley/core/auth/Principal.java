package io.parley.core.auth;

import java.time.Instant;
import java.util.UUID;

/** Who is calling: the user behind a validated access token, and when that token expires. */
public record Principal(UUID userId, UUID sessionId, Instant expiresAt) {}
