/** The closed set of client-visible error codes and the single domain exception that carries one. */
package io.parley.core.error;
