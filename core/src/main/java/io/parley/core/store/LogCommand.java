package io.parley.core.store;

import io.parley.core.chat.Attachment;
import io.parley.core.chat.BotProfile;
import io.parley.core.chat.Mentions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A change to a chat's log, authorised already, applied atomically by the writer. */
public sealed interface LogCommand {
    UUID workspaceId();
    UUID chatId();
    UUID actorId();
    /** The client's frame id: (chat, actor, clientId) identifies the command across retries. */
    UUID clientId();
    long hlc();
    Instant at();

    /**
     * A new message; a reply when {@code threadRootId} is set (the root's thread stats change in the same
     * transaction). Its {@code attachments} are files the actor uploaded and has not attached yet: the same
     * transaction links them to the message, or the command fails and links nothing.
     *
     * @param bot the display override of an integration's post, or null
     */
    record Post(UUID workspaceId, UUID chatId, UUID actorId, UUID clientId, UUID messageId, String content,
                UUID threadRootId, Mentions mentions, String originPod, long hlc, Instant at,
                List<Attachment> attachments, BotProfile bot) implements LogCommand {
        public Post {
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }
    }

    record Edit(UUID workspaceId, UUID chatId, UUID actorId, UUID clientId, UUID messageId, String content,
                Mentions mentions, long hlc, Instant at) implements LogCommand {}

    /** Turns the message into a tombstone; deleting a tombstone changes nothing. */
    record Delete(UUID workspaceId, UUID chatId, UUID actorId, UUID clientId, UUID messageId, long hlc,
                  Instant at) implements LogCommand {}

    /** Adds or removes the actor's reaction; adding an existing one or removing a missing one changes nothing. */
    record React(UUID workspaceId, UUID chatId, UUID actorId, UUID clientId, UUID messageId, String emoji,
                 boolean add, long hlc, Instant at) implements LogCommand {}
}
