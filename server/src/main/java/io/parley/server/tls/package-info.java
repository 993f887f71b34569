/**
 * HTTPS served by Parley itself ({@code [server.tls]}): the certificate chain and private key read from PEM files
 * and checked ({@link io.parley.server.tls.ServerCertificate}), and the TLS contexts the gateway makes each new
 * connection's handler from, reloaded on a file change or SIGHUP without touching open connections
 * ({@link io.parley.server.tls.ServerTls}). The gateway puts the handler first in its pipeline, adds HSTS and runs
 * the optional redirect port.
 */
package io.parley.server.tls;
