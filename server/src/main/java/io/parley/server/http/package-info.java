/** The HTTP seam between the Netty server and the API handlers: requests, responses, routing, JSON. */
package io.parley.server.http;
