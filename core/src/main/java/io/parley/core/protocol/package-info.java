/** The wire protocol's closed sets: client and server frames (sealed records) and close codes. */
package io.parley.core.protocol;
