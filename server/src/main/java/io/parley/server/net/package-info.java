/**
 * Network addresses as configuration names them: {@link io.parley.server.net.Cidr} blocks, shared by the outbound policy
 * (address classes, {@code outbound.allowed_cidrs}) and the gateway ({@code server.trusted_proxies}).
 */
package io.parley.server.net;
