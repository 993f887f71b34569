package io.parley.core.realtime;

/** What a rate limit counts (spec 002 §7.3). Each action has its own bucket per user (and per chat for typing). */
public enum RateAction {
    MESSAGE, TYPING, READ_MARK, PRESENCE, SEARCH, UPLOAD, URGENT,
    /** Posts through one incoming webhook (its bucket is keyed by the webhook's id). */
    WEBHOOK
}
