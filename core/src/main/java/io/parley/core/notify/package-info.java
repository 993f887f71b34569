/** Notifications: what the evaluator decides for each recipient, and the push port for offline users. */
package io.parley.core.notify;
