package io.parley.server.federation.org;

import io.parley.core.chat.Message;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.files.FileInfo;
import io.parley.core.files.FileService;
import io.parley.core.id.UuidText;
import io.parley.core.store.MessageLog;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 *   <li>the origin streams the bytes from its blob store; its reply is signed over the file's SHA-256, which it
 *       knows without reading them (blobs are addressed by it);</li>
 *   <li>the receiver writes at most the file's size (a thumbnail at most {@link #MAX_THUMBNAIL}) to a spool file as
 *       they arrive, digesting them; checks the origin's reply signature and the SHA-256 against the metadata the
 *       origin signed into the post; and only then sends a byte to the local reader, from the spool file, which is
 *       deleted when the reader's download ends.</li>
 * </ul>
 * Neither side holds a file in memory: a download costs a 64 KiB buffer and, on the receiver, its size on disk
 * for as long as it is being sent.
 */
final class OrgFiles {
    private static final Logger log = LoggerFactory.getLogger(OrgFiles.class);
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
            UUID id = UuidText.parse(request.pathParam("fileId"));
            if (id == null) throw ParleyException.invalid("fileId must be a UUID");
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
        if (thumbnail) {
            if (f.thumbSha256() == null) throw noSuchFile();
            byte[] png;
            try (InputStream in = files.thumbnail(f)) {
                png = in.readNBytes((int) MAX_THUMBNAIL); // a few kilobytes
            }
            return new HttpResponse(200, "application/octet-stream", png, Map.of());
        }
        return HttpResponse.stream("application/octet-stream", files.content(f), f.size(), f.sha256());
    }

    /**
     * The receiver's side: {@return the checked bytes of a remote file (or its thumbnail) the local caller may read, as a
     * stream of the spool file they were written to, deleted when the stream is closed}
     *
     * @throws ParleyException NOT_FOUND when the origin has it no more, PEER_UNREACHABLE when the origin cannot be asked,
     *     refused, or sent other bytes
     */
    InputStream fetch(FileInfo f, boolean thumbnail) {
        if (!f.remote()) throw new IllegalArgumentException("not a remote file");
        if (thumbnail && f.thumbSha256() == null) throw ParleyException.notFound("the file has no thumbnail");
        long max = thumbnail ? MAX_THUMBNAIL : f.size();
        Path spool;
        try {
            spool = Files.createTempFile("parley-remote-", ".part");
        } catch (IOException e) {
            throw ParleyException.unavailable("no room to receive the file", 30, e);
        }
        boolean handedOver = false;
        try {
            PodResult r = client.download(f.originPod(), OrgWire.filePath(f.id()), new OrgWire.FileFetch(thumbnail), max,
                    thumbnail ? f.thumbSha256() : f.sha256(), DEADLINE, spool);
            InputStream in = switch (r) {
                case PodResult.Ok ok -> {
                    if (!thumbnail && Files.size(spool) != f.size()) {
                        throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "pod '" + f.originPod() + "' sent other bytes than the file's");
                    }
                    yield Files.newInputStream(spool, StandardOpenOption.DELETE_ON_CLOSE);
                }
                case PodResult.Failed fail when fail.status() == 404 -> throw noSuchFile();
                case PodResult.Failed fail when "other_bytes".equals(fail.code()) -> {
                    log.warn("pod {} sent other bytes than its file {}; refused", f.originPod(), f.id());
                    throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "pod '" + f.originPod() + "' sent other bytes than the file's");
                }
                case PodResult.Failed fail -> throw new ParleyException(ErrorCode.PEER_UNREACHABLE,
                        "the file's pod '" + f.originPod() + "' cannot give it now (" + (fail.code() != null ? fail.code() : fail.kind()) + ")");
            };
            handedOver = true;
            return in;
        } catch (IOException e) {
            throw ParleyException.unavailable("the received file could not be read back", 30, e);
        } finally {
            if (!handedOver) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    log.warn("could not delete the spool file of a refused download: {}", e.getMessage());
                }
            }
        }
    }

    private static ParleyException noSuchFile() {
        return ParleyException.notFound("no such file");
    }
}
