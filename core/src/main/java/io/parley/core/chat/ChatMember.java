package io.parley.core.chat;

import java.time.Instant;
import java.util.UUID;

/** A user's membership of a chat and their read watermark in its log. */
public record ChatMember(UUID chatId, UUID userId, Instant joinedAt, long lastReadSeq) {}
