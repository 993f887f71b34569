package io.parley.server.federation.link;

import java.time.Duration;

/**
 * The pod layer's settings (the {@code [pod]} section, validated by the config loader).
 *
 * @param clockOffset added to the pod layer's clock: a diagnostic and test knob that simulates a skewed host
 * @param orgResyncInterval how often every org's state (members, channel offers) is sent again to its members
 * @param maxResilientChannels, maxReplicatedBytes, replicationRate the replication quotas (resilient channels)
 * @param leaseDuration an acting primary's lease
 * @param tlsPin this pod's TLS key pin (see {@link TlsPin}) that its invitations carry, or null
 */
public record PodSettings(String id, Duration heartbeatInterval, int deadAfterMissed, Duration grace, Duration maxClockSkew,
                          Duration requestWindow, Duration clockOffset, Duration orgResyncInterval, int maxResilientChannels,
                          long maxReplicatedBytes, long replicationRate, Duration leaseDuration, String tlsPin) {
    /** Without a TLS pin. */
    public PodSettings(String id, Duration heartbeatInterval, int deadAfterMissed, Duration grace, Duration maxClockSkew,
                       Duration requestWindow, Duration clockOffset, Duration orgResyncInterval, int maxResilientChannels,
                       long maxReplicatedBytes, long replicationRate, Duration leaseDuration) {
        this(id, heartbeatInterval, deadAfterMissed, grace, maxClockSkew, requestWindow, clockOffset, orgResyncInterval, maxResilientChannels,
                maxReplicatedBytes, replicationRate, leaseDuration, null);
    }

    /** Without the org and resilient-channel settings: their defaults (tests and older callers). */
    public PodSettings(String id, Duration heartbeatInterval, int deadAfterMissed, Duration grace, Duration maxClockSkew,
                       Duration requestWindow, Duration clockOffset) {
        this(id, heartbeatInterval, deadAfterMissed, grace, maxClockSkew, requestWindow, clockOffset, Duration.ofSeconds(60),
                20, 1L << 30, 1L << 20, Duration.ofSeconds(30));
    }
}
