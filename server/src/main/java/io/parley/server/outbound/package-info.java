/**
 * The outbound gate: every connection the server opens to the outside (Web Push now; link previews, OIDC discovery,
 * SMTP and the Events API later) goes through {@link io.parley.server.outbound.OutboundPolicy}, which refuses URLs
 * that are not https, hosts off a purpose's allow-list, and hosts that are or resolve to loopback, private,
 * link-local, metadata and other non-public addresses ({@link io.parley.server.outbound.AddressClass}), then connects
 * only to the addresses it checked (a small Netty HTTP/1.1 client, so DNS rebinding cannot slip in a second answer)
 * with timeouts and a bounded answer. Pod-to-pod links are configured by admins and do not go through it.
 */
package io.parley.server.outbound;
