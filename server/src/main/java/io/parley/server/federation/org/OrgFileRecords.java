package io.parley.server.federation.org;

import io.parley.core.files.FileInfo;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The metadata of the files org posts carry: local files' for outbound posts, remote files' for inbound ones (the
 * bytes stay on their origin). One of the ports {@link OrgStore} is made of (issue 17 §3).
 */
public interface OrgFileRecords {
    /** {@return the files with these ids (any state)}: what an outbound post says of its attachments */
    List<FileInfo> files(Collection<UUID> ids);

    /**
     * Stores the metadata of a remote message's file (unattached; the post claims it) unless a row with its id exists.
     * {@return whether the row is there and claimable by this post: a remote file of {@code file.originPod()}, of the same
     * uploader and workspace, not attached nor deleted} (an id colliding with any other file is never taken over)
     */
    boolean insertRemoteFile(FileInfo file);
}
