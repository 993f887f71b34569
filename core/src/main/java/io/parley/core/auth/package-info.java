/** Users, sign-in sessions, tokens (stored only hashed), and the principal a request runs as. */
package io.parley.core.auth;
