/**
 * The scaled-out pod's NATS side: the one connection ({@link io.parley.server.nats.NatsLink}), the bus between
 * nodes ({@link io.parley.server.nats.NatsBus}) with its subjects and wire format, and the shared ephemeral state
 * kept in JetStream key-value buckets: presence and connection counts, and the per-user rate-limit buckets.
 */
package io.parley.server.nats;
