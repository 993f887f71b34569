/** Real-time awareness: rate limits, and (as they land) presence, typing, receipts and badges. */
package io.parley.core.realtime;
