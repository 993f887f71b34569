package io.parley.core.notify;

import java.time.Instant;

/**
 * The evaluator's decision for one recipient of one message (spec 002 §3.2, §3.7), a pure function:
 * <ol>
 *   <li>urgent messages always notify (they bypass DND, mute, level and the desktop switch);</li>
 *   <li>do-not-disturb (manual, or the schedule in the user's zone) → badge only;</li>
 *   <li>desktop notifications off → badge only;</li>
 *   <li>a muted chat → badge only, unless the user is mentioned by handle;</li>
 *   <li>level {@code all} notifies; {@code mentions_only} notifies when mentioned (by handle,
 *       {@code @channel} or {@code @here}); {@code off} is badge only.</li>
 * </ol>
 * The badge is updated in every case; online users get the notification as a toast, offline ones as a push.
 */
public final class NotificationRules {
    private NotificationRules() {}

    /** How a message mentions the recipient. */
    public enum Mention { NONE, BROADCAST, DIRECT }

    /** {@return whether to raise a toast (online) or push (offline)} */
    public static boolean shouldNotify(NotificationPrefs.Global global, NotificationPrefs.ChatPrefs chat, boolean urgent,
                                       Mention mention, Instant now) {
        if (urgent) return true;
        if (global.dndAt(now)) return false;
        if (!global.desktop()) return false;
        if (chat.muted() && mention != Mention.DIRECT) return false;
        return switch (chat.level()) {
            case ALL -> true;
            case MENTIONS_ONLY -> mention != Mention.NONE;
            case OFF -> false;
        };
    }
}
