/**
 * Real-time awareness: rate limits ({@link io.parley.core.realtime.TokenBuckets}), typing
 * ({@link io.parley.core.realtime.TypingService}), presence ({@link io.parley.core.realtime.PresenceService})
 * and the one timer thread that drives them ({@link io.parley.core.realtime.RealtimeTimer}); receipts and
 * badges as they land. All of it is ephemeral and travels on the bus.
 */
package io.parley.core.realtime;
