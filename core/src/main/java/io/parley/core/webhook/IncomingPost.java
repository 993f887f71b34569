package io.parley.core.webhook;

import java.util.Set;

/**
 * A post that arrived through a webhook, already turned into Parley's text by the edge.
 *
 * @param channel a channel name ({@code #ops} or {@code ops}) or id to post to instead of the webhook's own; null for its own
 * @param threadTs the message to reply to (its id), or null; one that is not in the channel posts at the top level
 * @param username shown instead of the webhook's name, or null
 * @param linkNames whether plain {@code @handle} words are mentions (Slack's {@code link_names}); if not, only
 *     the explicit mentions the payload wrote in Slack's {@code <@…>} / {@code <!here>} form count
 * @param explicitHandles the handles of those explicit mentions
 */
public record IncomingPost(String text, String channel, String threadTs, String username, String iconEmoji, String iconUrl,
                           boolean linkNames, Set<String> explicitHandles, boolean explicitChannel, boolean explicitHere) {
    public IncomingPost {
        explicitHandles = Set.copyOf(explicitHandles);
    }
}
