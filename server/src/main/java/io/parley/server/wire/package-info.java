/** Wire views of domain records: one JSON shape per thing, shared by WebSocket frames and REST. */
package io.parley.server.wire;
