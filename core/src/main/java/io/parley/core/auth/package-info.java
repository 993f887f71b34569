/**
 * Users, sign-in sessions, tokens (stored only hashed), and the principal a request runs as; the {@link
 * io.parley.core.auth.ProofGate} that every proof of identity (a password, later second factors) passes, with its
 * failure ledger, and the bound on concurrent password hashing ({@link io.parley.core.auth.BoundedHasher}).
 */
package io.parley.core.auth;
