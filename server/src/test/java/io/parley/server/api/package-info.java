/**
 * Tests of the REST API: decoding and routing without a database ({@code ApiParsingTest}), the
 * OpenAPI document against the route table and records ({@code OpenApiTest}), and whole flows over
 * HTTP against a real node ({@code RestEndToEndTest}).
 */
package io.parley.server.api;
