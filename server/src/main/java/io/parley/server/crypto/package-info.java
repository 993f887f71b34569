/**
 * Byte-level building blocks that Web Push ({@code push/}) and the pod layer ({@code federation/}) share: HKDF-SHA256
 * over the JDK's {@link javax.crypto.KDF}, and base64url, the text form bytes travel in. Nothing here knows a
 * protocol; the protocols' own steps (RFC 8291's, the pod key's derivation) stay with them.
 */
package io.parley.server.crypto;
