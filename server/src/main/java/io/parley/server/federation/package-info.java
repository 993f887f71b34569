/**
 * Pods linked to pods (issue 7), the transport half: this pod's Ed25519 identity ({@link
 * io.parley.server.federation.PodIdentity}), peering by one-time invitation ({@link io.parley.server.federation.Peering}),
 * signed pod-to-pod requests and replies ({@link io.parley.server.federation.PodClient} out, {@link
 * io.parley.server.federation.PodRoutes} in), heartbeats with clock-skew measurement ({@link
 * io.parley.server.federation.Heartbeats}, {@link io.parley.server.federation.ClockSkew}) feeding the domain's
 * {@link io.parley.core.pod.HealthManager}, and {@link io.parley.server.federation.Federation}, which wires them.
 *
 * <p>Everything pod-to-pod is under {@code /pod/v1/}: a POST with a JSON body, signed as described in {@link
 * io.parley.server.federation.Signing}. Features built on top (org-shared channels, replicas) register their
 * inbound handlers on {@link io.parley.server.federation.PodRoutes} and send with {@link
 * io.parley.server.federation.PodClient}; both are reached through {@link io.parley.server.federation.Federation}.
 */
package io.parley.server.federation;
