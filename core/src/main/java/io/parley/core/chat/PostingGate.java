package io.parley.core.chat;

import java.util.UUID;

/**
 * A check every post by a user passes after the permission check, REST and WebSocket alike: the pod layer refuses
 * posts in a resilient channel whose primary pod is down when the channel says so.
 */
@FunctionalInterface
public interface PostingGate {
    /** Takes every post: a node without a pod layer (admin tools, tests). */
    PostingGate OPEN = chatId -> { };

    /**
     * Lets a post in the chat through, or refuses it.
     *
     * @throws io.parley.core.error.ParleyException to refuse the post
     */
    void check(UUID chatId);
}
