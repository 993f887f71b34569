/**
 * Pods linked to pods (issue 7), as three components, split by concern the way Dendrite splits a server:
 * <ul>
 *   <li>{@link io.parley.server.federation.link} — the transport: this pod's identity, peering, signed pod-to-pod
 *       requests and replies, heartbeats and clock skew, TLS pins, and {@link
 *       io.parley.server.federation.link.Federation}, the facade the other two are given.</li>
 *   <li>{@link io.parley.server.federation.org} — org-shared channels: the per-peer outbox and its delivery, inbound
 *       ops, relays, digests and the per-origin order.</li>
 *   <li>{@link io.parley.server.federation.resilient} — replica sets of org-shared channels: handshake and keys, the
 *       sealed replica feed and its receiver, the acting primary, reconcile and restore.</li>
 * </ul>
 *
 * <p>Dependencies point one way, checked by {@code ArchitectureTest}: {@code resilient} may use {@code org} and
 * {@code link}; {@code org} may use {@code link}; {@code link} uses neither. This package holds no classes.
 */
package io.parley.server.federation;
