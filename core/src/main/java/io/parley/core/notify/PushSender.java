package io.parley.core.notify;

/**
 * Delivers notifications to users who are not connected, through Web Push (RFC 8030/8291/8292).
 * {@link #send} only enqueues durably and returns; delivery, retries with backoff and the removal of
 * dead subscriptions are the implementation's business.
 */
public interface PushSender {
    /** Enqueues a push for every registered device of the notification's user. */
    void send(Notification notification);
}
