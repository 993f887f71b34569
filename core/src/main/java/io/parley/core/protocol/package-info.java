/** The wire protocol's closed sets: client frames (sealed records) and close codes. */
package io.parley.core.protocol;
