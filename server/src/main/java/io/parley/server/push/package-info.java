/**
 * Web Push for users who are not connected: subscriptions registered over REST, payloads encrypted per
 * RFC 8291 ({@code aes128gcm}, RFC 8188), senders identified per RFC 8292 (VAPID), and delivery per
 * RFC 8030 from a durable queue in the database with retries, backoff and jitter.
 *
 * <p>{@link io.parley.server.push.WebPush} is the component: it loads or creates the VAPID key pair, and
 * builds {@link io.parley.server.push.PushSubscriptions} (the REST side) and
 * {@link io.parley.server.push.WebPushSender} (the {@link io.parley.core.notify.PushSender} port: enqueue,
 * then a named delivery thread). Storage is the {@link io.parley.server.push.PushStore} port, implemented
 * by the JDBC store.
 */
package io.parley.server.push;
