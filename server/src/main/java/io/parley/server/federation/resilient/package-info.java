/**
 * Resilient channels (issue 7 §5): an org-shared channel with a designated replica set that holds its log sealed at
 * rest, an acting primary while the primary is down, and restore of a pod that lost its storage. The design is
 * written at the top of {@link ResilientChannels}, the facade (admin checks, the timer, the routes); the parts are
 * {@link ResilientAdmin}, {@link ResilientHandshake}, {@link ChannelKeys}, {@link ResilientFeed}, {@link ReplicaLog},
 * {@link ActingPrimary}, {@link ResilientReconciler} and {@link ResilientRestorer}, over {@link ResilientContext}.
 *
 * <p>In short: a handshake per replica agrees on the configuration and wraps the channel key for it
 * ({@link ResilientCrypto}); the replica feed ({@link ResilientFeed}) is the primary's chat log plus a cursor per
 * replica, each op sealed with the channel key (AES-256-GCM) and kept sealed by the replica ({@link ReplicaLog});
 * {@link ReplicaAcks} holds a post's ack until enough replicas hold it; while the primary is dead the replicas elect
 * an acting primary with the domain's {@link io.parley.core.pod.LeaseElection}, fenced by its term; reconciliation
 * after an outage is the org path's; restore pulls the log back from a replica and applies it through the org
 * inbound path. {@link ResilientPostingGate} is the port the message service asks whether posting is allowed while
 * the primary is down.
 *
 * <p>May touch: {@code io.parley.core}, {@code federation.link}, {@code federation.org} (the org store, the org
 * inbound path and its wire records) and its store ports: {@link ResilientStore} is the whole, made of
 * {@link ReplicaConfigs}, {@link SealedKeys}, {@link ReplicaFeedCursors} and {@link ReplicaCopies}. Nothing in {@code link} or
 * {@code org} depends on this package (checked by {@code ArchitectureTest}).
 */
package io.parley.server.federation.resilient;
