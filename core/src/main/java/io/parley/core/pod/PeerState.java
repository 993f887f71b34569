package io.parley.core.pod;

/**
 * Liveness of a peer pod as seen from here, driven by heartbeats.
 *
 * <ul>
 *   <li>{@code ALIVE}: heartbeats arrive.</li>
 *   <li>{@code SUSPECT}: at least one heartbeat was missed; the peer is still used, but it is on its way
 *       to {@code DEAD} unless it answers {@link HealthSettings#readmitAfter()} times in a row.</li>
 *   <li>{@code DEAD}: {@link HealthSettings#deadAfterMissed()} heartbeats in a row were missed and the grace
 *       period has passed since anything succeeded. A dead peer is not used; it comes back only after
 *       {@link HealthSettings#readmitAfter()} consecutive answered heartbeats.</li>
 * </ul>
 */
public enum PeerState { ALIVE, SUSPECT, DEAD }
