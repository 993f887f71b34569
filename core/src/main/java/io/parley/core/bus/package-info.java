/** The bus seam: sealed bus events, the {@link io.parley.core.bus.Bus} interface, and the in-process bus. */
package io.parley.core.bus;
