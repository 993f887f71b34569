package io.parley.core.chat;

import java.util.List;
import java.util.UUID;

/** Turns the file ids of a message being posted into its attachments, or refuses them (the files service). */
@FunctionalInterface
public interface AttachmentCheck {
    /** Refuses every attachment: for nodes and tools without files. */
    AttachmentCheck NONE = (user, workspace, ids) -> {
        if (ids != null && !ids.isEmpty()) throw io.parley.core.error.ParleyException.invalid("attachments are not available here");
        return List.of();
    };

    /**
     * {@return the attachments, in the order given}
     * @throws io.parley.core.error.ParleyException when a file is not the sender's, not found, or attached already
     */
    List<Attachment> attachable(UUID userId, UUID workspaceId, List<UUID> fileIds);
}
