package io.parley.server.federation;

import io.parley.core.chat.Message;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.files.FileInfo;
import io.parley.core.files.FileService;
import io.parley.core.store.MessageLog;
import io.parley.server.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Attachments of org-shared channels stay on their origin pod. The outbox sends their metadata with the post; a
 * receiving pod keeps it as a remote file (a {@code files} row with {@code origin_pod}) claimed by the message, so
 * the normal file rules (whoever may read the message's chat, gone with the message) apply there too. On download
 * the bytes are fetched from the origin with a signed request ({@link OrgWire#FILE}):
 *
 * <ul>
 *   <li>the origin serves only its own files, attached to a message that exists, of a chat that is an org channel,
 *       to a member pod of that org that maps the channel (it said so, or applied a batch of it);</li>
 *   <li>the receiver reads at most the file's size (a thumbnail at most {@link #MAX_THUMBNAIL}), checks the origin's
 *       reply signature and the bytes' SHA-256 against the metadata the origin signed into the post, and only then
 *       sends a byte to the local reader.</li>
 * </ul>
 * The bytes are held in memory while checked: a download costs at most the file size limit.
 */
final class OrgFiles {
    static final long MAX_THUMBNAIL = 1 << 20;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final OrgStore store;
    private final PodClient client;
    private final MessageLog messages;
    private final FileService files;

    OrgFiles(OrgStore store, PodClient client, MessageLog messages, FileService files) {
        this.store = store;
        this.client = client;
        this.messages = messages;
        this.files = files;
    }

    void register(PodRoutes routes) {
        routes.handleRaw(OrgWire.FILE, (from, request) -> {
            UUID id;
            try {
                id = UUID.fromString(request.pathParam("fileId"));
            } catch (IllegalArgumentException e) {
                throw ParleyException.invalid("fileId must be a UUID");
            }
            OrgWire.FileFetch fetch = request.body().length == 0 ? new OrgWire.FileFetch(false)
                    : PodRoutes.parse(request.body(), OrgWire.FileFetch.class);
            return serve(from, id, fetch.thumbnail());
        });
    }

    /** The origin's side. Refusals: 404 when there is no such live org file here, 403 when the caller may not have it. */
    private HttpResponse serve(String from, UUID fileId, boolean thumbnail) throws IOException {
        FileInfo f = store.files(List.of(fileId)).stream().findFirst()
                .filter(x -> !x.remote() && x.attached() && !x.deleted())
                .orElseThrow(OrgFiles::noSuchFile);
        Message m = messages.message(f.messageId()).filter(x -> !x.deleted()).orElseThrow(OrgFiles::noSuchFile);
        OrgStore.OrgChannel ch = store.channelOfChat(m.chatId()).orElseThrow(OrgFiles::noSuchFile); // a local-only chat's files are not shown to pods
        if (!store.members(ch.orgId()).contains(from) || !store.peerMaps(from, ch.id())) {
            throw ParleyException.forbidden("the file's channel is not mapped by pod '" + from + "'");
        }
        if (files == null) throw ParleyException.unavailable("files are not available on this node", 30, null);
        byte[] bytes;
        try (InputStream in = thumbnail ? files.thumbnail(f) : files.content(f)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, thumbnail ? MAX_THUMBNAIL : f.size()));
        }
        return new HttpResponse(200, "application/octet-stream", bytes, Map.of());
    }

    /**
     * The receiver's side: {@return the checked bytes of a remote file (or its thumbnail) the local caller may read}.
     *
     * @throws ParleyException NOT_FOUND when the origin has it no more, PEER_UNREACHABLE when the origin cannot be asked
     *     or refused
     */
    byte[] fetch(FileInfo f, boolean thumbnail) {
        if (!f.remote()) throw new IllegalArgumentException("not a remote file");
        if (thumbnail && f.thumbSha256() == null) throw ParleyException.notFound("the file has no thumbnail");
        long max = thumbnail ? MAX_THUMBNAIL : f.size();
        PodResult r = client.fetch(f.originPod(), OrgWire.filePath(f.id()), new OrgWire.FileFetch(thumbnail), max, DEADLINE);
        return switch (r) {
            case PodResult.Ok ok -> {
                byte[] body = ok.body();
                String want = thumbnail ? f.thumbSha256() : f.sha256();
                if (!Signing.sha256Hex(body).equals(want) || (!thumbnail && body.length != f.size())) {
                    throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "pod '" + f.originPod() + "' sent other bytes than the file's");
                }
                yield body;
            }
            case PodResult.Failed fail when fail.status() == 404 -> throw noSuchFile();
            case PodResult.Failed fail -> throw new ParleyException(ErrorCode.PEER_UNREACHABLE,
                    "the file's pod '" + f.originPod() + "' cannot give it now (" + (fail.code() != null ? fail.code() : fail.kind()) + ")");
        };
    }

    private static ParleyException noSuchFile() {
        return ParleyException.notFound("no such file");
    }
}
