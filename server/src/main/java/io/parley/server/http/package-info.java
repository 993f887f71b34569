/**
 * The HTTP seam between the Netty server and the API handlers: requests (whose remote address is the client, behind
 * {@link io.parley.server.http.TrustedProxies trusted proxies} too), responses, routing, JSON.
 */
package io.parley.server.http;
