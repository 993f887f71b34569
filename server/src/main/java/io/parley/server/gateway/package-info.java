/**
 * The WebSocket and HTTP edge on Netty: pipeline, upgrade, per-connection handling on virtual
 * threads, the hub that fans committed events out to local connections, and the sweeper.
 */
package io.parley.server.gateway;
