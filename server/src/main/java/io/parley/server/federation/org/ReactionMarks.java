package io.parley.server.federation.org;

import java.util.UUID;

/**
 * The hlc of the last op on each remote user's reaction: a reaction op applies only if it is newer. One of the
 * ports {@link OrgStore} is made of (issue 17 §3).
 */
public interface ReactionMarks {
    /** {@return the hlc of the last op on a remote user's reaction, or -1 if none} */
    long reactionMark(UUID messageId, UUID userId, String emoji);

    void setReactionMark(UUID messageId, UUID userId, String emoji, boolean present, long hlc);
}
