/**
 * The REST API under {@code /api/v1}: one small route class per resource, each thin (decode,
 * authenticate, call a core service, encode a wire view). Permission checks live in the core
 * services; {@link io.parley.server.api.ApiSupport} holds the strict body and parameter parsing.
 * The route table is described by {@code openapi.json} (served by {@link io.parley.server.api.OpenApi}).
 */
package io.parley.server.api;
