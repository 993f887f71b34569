/** Identity and time: UUIDv7 ids minted once at the origin, and Hybrid Logical Clock stamps. */
package io.parley.core.id;
