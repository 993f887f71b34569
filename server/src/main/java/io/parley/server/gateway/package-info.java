/**
 * The WebSocket and HTTP edge on Netty: pipeline, upgrade, per-connection handling on virtual
 * threads, the local delivery of bus events (frames by {@code EventFrames}, per-chat order and gap
 * repair in {@code ChatLanes}, encoding in {@code ServerFrameEncoder}), the hub that registers this
 * node's connections, and the sweeper.
 */
package io.parley.server.gateway;
