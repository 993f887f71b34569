/**
 * The bus seam: sealed bus events, the {@link io.parley.core.bus.Bus} interface with its topics of interest,
 * the dispatcher every bus ends in, and the in-process bus of a single node.
 */
package io.parley.core.bus;
