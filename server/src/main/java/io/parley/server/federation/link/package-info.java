/**
 * The pod-to-pod transport (issue 7): this pod's Ed25519 identity ({@link PodIdentity}, kept as {@link StoredKey} in a
 * {@link KeyPlace}), peering by one-time invitation ({@link Peering}, {@link Invitation}), the directory of linked
 * peers ({@link PeerDirectory}), signed requests and replies ({@link PodClient} out, {@link PodRoutes} and
 * {@link InboundAuth} in, {@link Signing} for the canonical form), heartbeats with clock-skew measurement
 * ({@link Heartbeats}, {@link ClockSkew}) feeding the domain's {@link io.parley.core.pod.HealthManager}, TLS
 * certificate pins ({@link TlsPin}), and {@link Federation}, which wires them and is what the features on top are
 * given. {@link PodDuties} says which node of a scaled-out pod does the pod-wide work of the features on top (org
 * delivery, the resilient replica feed), over the {@link NamedLeases} store port: here, so both may use it.
 *
 * <p>Everything pod-to-pod is under {@code /pod/v1/}: a POST with a JSON body, signed as described in
 * {@link Signing}. Features built on top register their inbound handlers on {@link PodRoutes} and send with
 * {@link PodClient}; both are reached through {@link Federation}.
 *
 * <p>May touch: {@code io.parley.core} (pod health, errors), {@code server/http} (routing, JSON) and its own store
 * ports {@link PodStore} and {@link NamedLeases}. May not touch: {@code federation.org} or {@code federation.resilient} (the link knows
 * nothing of what is carried over it; checked by {@code ArchitectureTest}).
 */
package io.parley.server.federation.link;
