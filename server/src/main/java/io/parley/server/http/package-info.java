/**
 * The HTTP seam between the Netty server and the API handlers: requests, responses, routing, and JSON — whose one
 * reader ({@link io.parley.server.http.Json#MAPPER}) takes only well-formed Unicode text.
 */
package io.parley.server.http;
