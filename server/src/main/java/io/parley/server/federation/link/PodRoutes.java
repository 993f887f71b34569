package io.parley.server.federation.link;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.http.HttpHandler;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.IllFormedTextException;
import io.parley.server.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound pod API: every route under {@code /pod/v1/} is a POST whose sender is authenticated here before the
 * handler runs ({@link InboundAuth}), and whose reply is signed for the sender ({@link Signing}). Register a
 * handler per path, before the server starts serving:
 * <pre>{@code
 *   federation.routes().handle("/pod/v1/channels/events", EventBatch.class, (fromPeer, batch) -> {
 *       ...
 *       return PodReply.ok(new Ack(batch.lastSeq()));
 *   });
 * }</pre>
 * Typed bodies are read leniently (unknown fields ignored), so a newer pod may add fields without breaking an
 * older one.
 */
public final class PodRoutes {
    /** The prefix of every pod-to-pod path. */
    public static final String PREFIX = "/pod/v1/";
    private static final Logger log = LoggerFactory.getLogger(PodRoutes.class);

    /** A route that authenticates its sender itself (the peering call, whose sender is not linked yet). */
    @FunctionalInterface
    interface Unlinked {
        HttpResponse handle(HttpRequest request, InboundAuth.Signed signed) throws Exception;
    }

    private final io.parley.server.http.Router router;
    private final InboundAuth auth;
    private final PodIdentity me;
    private final PeerDirectory peers;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();

    PodRoutes(io.parley.server.http.Router router, InboundAuth auth, PodIdentity me, PeerDirectory peers) {
        this.router = router;
        this.auth = auth;
        this.me = me;
        this.peers = peers;
    }

    /** Routes {@code POST path} from linked peers to the handler. */
    public void handle(String path, PodHandler handler) {
        add(path, (request, signed) -> {
            String from = auth.verifyLinked(request, peers::key);
            PodReply reply = handler.handle(from, request.body());
            return new HttpResponse(reply.status(), reply.body().length == 0 ? null : "application/json", reply.body(),
                    java.util.Map.of());
        });
    }

    /** Routes {@code POST path} from linked peers to a handler of the body parsed as {@code type}. */
    public <T> void handle(String path, Class<T> type, PodHandler.Typed<T> handler) {
        handle(path, (from, body) -> handler.handle(from, parse(body, type)));
    }

    /** A handler that sees the request (its path parameters) and answers any bytes; the answer is signed like every other. */
    @FunctionalInterface
    public interface Raw {
        HttpResponse handle(String fromPeer, HttpRequest request) throws Exception;
    }

    /** Routes {@code POST pattern} (with {@code {name}} segments) from linked peers to a raw handler. */
    public void handleRaw(String pattern, Raw handler) {
        add(pattern, (request, signed) -> handler.handle(auth.verifyLinked(request, peers::key), request));
    }

    /** Routes a call whose handler authenticates the sender itself. */
    void handleUnlinked(String path, Unlinked handler) {
        add(path, handler);
    }

    private void add(String path, Unlinked handler) {
        if (!path.startsWith(PREFIX)) throw new IllegalArgumentException("pod routes live under " + PREFIX + ": " + path);
        if (!paths.add(path)) throw new IllegalArgumentException("pod route registered twice: " + path);
        router.post(path, wrap(handler));
    }

    private HttpHandler wrap(Unlinked handler) {
        return request -> {
            InboundAuth.Signed signed = null;
            HttpResponse response;
            try {
                if (!request.query().isEmpty()) throw ParleyException.invalid("pod requests take no query parameters");
                signed = auth.headers(request);
                response = handler.handle(request, signed);
            } catch (ParleyException e) {
                response = HttpResponse.error(e);
            } catch (Exception e) {
                log.error("pod route {} failed", request.path(), e);
                response = HttpResponse.error(ErrorCode.INTERNAL, "internal error", null);
            }
            return signed == null ? response : sign(response, signed);
        };
    }

    private HttpResponse sign(HttpResponse r, InboundAuth.Signed to) {
        if (r.stream() != null && r.stream().sha256() == null) throw new IllegalStateException("a streamed pod reply needs its digest");
        byte[] sig = me.sign(r.stream() != null ? Signing.replyOfDigest(r.status(), r.stream().sha256(), to.nonce(), to.pod())
                : Signing.reply(r.status(), r.body(), to.nonce(), to.pod()));
        return r.withHeader(Signing.POD, me.id()).withHeader(Signing.SIGNATURE, Ed25519.b64(sig));
    }

    /**
     * {@return the body as {@code type}, unknown fields ignored}
     *
     * @throws ParleyException MALFORMED if it is not Unicode text (see {@link IllFormedTextException}); INVALID if it does not fit
     */
    public static <T> T parse(byte[] body, Class<T> type) {
        ObjectReader reader = Json.MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            T value = reader.readValue(body);
            if (value == null) throw ParleyException.invalid("the body must be a JSON object");
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ParleyException pe) throw pe;
            if (e instanceof IllFormedTextException ill) throw new ParleyException(ErrorCode.MALFORMED, "the body " + ill.problem());
            throw ParleyException.invalid("the body is not a valid " + type.getSimpleName());
        }
    }
}
