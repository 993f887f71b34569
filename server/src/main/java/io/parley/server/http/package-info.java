/**
 * The HTTP seam between the Netty server and the API handlers: requests (whose remote address is the client, behind
 * {@link io.parley.server.http.TrustedProxies trusted proxies} too), responses, routing, and JSON — whose one reader
 * ({@link io.parley.server.http.Json#MAPPER}) takes only well-formed Unicode text.
 */
package io.parley.server.http;
