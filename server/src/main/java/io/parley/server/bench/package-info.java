/**
 * {@code parley bench}: a load generator that drives a real running Parley over HTTP (setup) and
 * WebSockets (Netty client), and reports throughput, latency and delivery correctness.
 */
package io.parley.server.bench;
