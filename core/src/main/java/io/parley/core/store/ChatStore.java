package io.parley.core.store;

import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatMember;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Chats and chat membership (with each member's read watermark). */
public interface ChatStore {
    /** Creates a chat and its first members in one transaction. @throws io.parley.core.error.ParleyException CONFLICT on a taken channel name or DM key */
    void create(Chat chat, Collection<UUID> members);

    Optional<Chat> byId(UUID id);

    Optional<Chat> byName(UUID workspaceId, String name);

    Optional<Chat> byDmKey(UUID workspaceId, String dmKey);

    /** {@return the public channels of a workspace, by name} */
    List<Chat> publicChannels(UUID workspaceId);

    /** {@return the chats of a workspace the user is a member of} */
    List<Chat> chatsOf(UUID workspaceId, UUID userId);

    /** Updates name, topic, purpose and archived flag. @throws io.parley.core.error.ParleyException CONFLICT on a taken name */
    void update(Chat chat);

    /**
     * Adds a member. {@return the chat's last seq when the membership committed (read under the chat's lock, so
     * every event after it has a higher seq), or -1 if the user was already a member}
     */
    long addMember(UUID chatId, UUID userId);

    /** {@return false if the user was not a member} */
    boolean removeMember(UUID chatId, UUID userId);

    List<UUID> memberIds(UUID chatId);

    /** {@return the last seq of every chat the user is a member of, in any workspace} (what a node watches for them) */
    Map<UUID, Long> lastSeqsOf(UUID userId);

    /** {@return the last seq of each of these chats that exists} (one query per few hundred ids) */
    Map<UUID, Long> lastSeqs(Collection<UUID> chatIds);

    /** {@return the last seq of every chat that has any event} (what derived data, such as the search index, must hold) */
    Map<UUID, Long> allLastSeqs();

    Optional<ChatMember> member(UUID chatId, UUID userId);

    /** Raises the user's read watermark to {@code seq} (never lowers it). */
    void markRead(UUID chatId, UUID userId, long seq);
}
