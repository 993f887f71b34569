package io.parley.server.federation;

import java.time.Duration;

/**
 * The pod layer's settings (the {@code [pod]} section, validated by the config loader).
 *
 * @param clockOffset added to the pod layer's clock: a diagnostic and test knob that simulates a skewed host
 * @param orgResyncInterval how often every org's state (members, channel offers) is sent again to its members
 */
public record PodSettings(String id, Duration heartbeatInterval, int deadAfterMissed, Duration grace, Duration maxClockSkew,
                          Duration requestWindow, Duration clockOffset, Duration orgResyncInterval) {}
