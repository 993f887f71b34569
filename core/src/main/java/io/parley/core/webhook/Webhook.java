package io.parley.core.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * An incoming webhook: posts through its URL land in {@code chatId} (or another channel its owner may post
 * in), shown as {@code name} unless the post asks otherwise. Its {@code id} is the sender id of its posts.
 * Only the token's hash is kept.
 *
 * @param ownerId the admin who created it: a post is allowed only while the owner may post in the target channel
 */
public record Webhook(UUID id, UUID workspaceId, UUID chatId, String name, String iconEmoji, String iconUrl,
                      String tokenHash, UUID ownerId, Instant createdAt) {}
