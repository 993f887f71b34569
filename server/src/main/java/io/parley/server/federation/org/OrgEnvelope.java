package io.parley.server.federation.org;

import io.parley.core.chat.Message;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodIdentity;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.Signing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The envelope an org batch travels in, and the checks of what it carries (issue 7 §2), with no state: what an origin
 * signs for one recipient ({@link #envelopeSigned}), sealing a batch ({@link #seal}), opening a delivery's envelope
 * ({@link #open}) and checking every op ({@link #validate}) and a batch's order ({@link #validateOrder}) before
 * anything is written. {@link OrgInbound} runs them on every delivery; the fuzz test runs them on any input.
 */
public final class OrgEnvelope {
    private static final Logger log = LoggerFactory.getLogger(OrgInbound.class);
    /** The most ops one batch may carry. */
    public static final int MAX_EVENTS = 1000;
    private static final Pattern TYPE = Pattern.compile("^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$");
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{64}$");

    private OrgEnvelope() {}

    /** {@return what the origin signs for one recipient} */
    public static byte[] envelopeSigned(String origin, String recipient, byte[] body) {
        return ("parley-org-envelope\n" + origin + "\n" + recipient + "\n" + Signing.sha256Hex(body)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@return the batch sealed by this pod ({@code identity}) for its recipient} */
    static OrgWire.Envelope seal(PodIdentity identity, OrgWire.Batch batch) {
        byte[] body = PodClient.json(batch);
        String me = identity.id();
        return new OrgWire.Envelope(me, Ed25519.b64(body), Ed25519.b64(identity.sign(envelopeSigned(me, batch.to(), body))));
    }

    /**
     * {@return the batch in a delivery's envelope, for this pod from the envelope's origin}
     *
     * @param me this pod's id
     * @param key the origin's public key
     * @param from the pod that sent the delivery (the origin, or a relay), for the log
     * @throws ParleyException BAD_SIGNATURE if the body or signature is not base64url or a relayed envelope's signature
     *     does not verify; INVALID if the batch does not parse or names another origin, recipient or org
     */
    public static OrgWire.Batch open(OrgWire.Delivery d, String me, PublicKey key, boolean relayed, String from) {
        OrgWire.Envelope env = d.envelope();
        byte[] body;
        try {
            body = Ed25519.unb64(env.body());
        } catch (IllegalArgumentException e) {
            throw new ParleyException(ErrorCode.BAD_SIGNATURE, "the envelope's body is not base64url");
        }
        byte[] sig;
        try {
            sig = Ed25519.unb64(env.signature());
        } catch (IllegalArgumentException e) {
            throw new ParleyException(ErrorCode.BAD_SIGNATURE, "the envelope's signature is not base64url");
        }
        // A direct delivery's request is signed by the origin itself over a digest of this very body (InboundAuth
        // checked it), and the batch names its recipient: the envelope's own signature adds nothing there, and its
        // check costs as much as the request's. A relayed envelope is checked, since only it speaks for the origin.
        if (relayed && !Ed25519.verify(key, envelopeSigned(env.origin(), me, body), sig)) {
            log.warn("an org envelope said to be from pod {} (passed on by {}) does not verify; refused", env.origin(), from);
            throw new ParleyException(ErrorCode.BAD_SIGNATURE, "the envelope is not signed by its origin pod for this pod");
        }
        OrgWire.Batch batch = PodRoutes.parse(body, OrgWire.Batch.class);
        if (!env.origin().equals(batch.origin()) || !me.equals(batch.to()) || !d.orgId().equals(batch.orgId())) {
            throw ParleyException.invalid("the batch's origin, recipient or org does not match its envelope");
        }
        return batch;
    }

    /** A batch that names its predecessor holds the origin's next ops: seqs rising, all after {@code prev}. */
    static void validateOrder(long prev, List<OrgWire.Event> events) {
        if (prev < 0) throw ParleyException.invalid("prev must not be negative");
        long last = prev;
        for (OrgWire.Event e : events) {
            if (e.seq() <= last) throw ParleyException.invalid("the events' seqs must rise, each after prev");
            last = e.seq();
        }
    }

    /** Checks one op of a batch from {@code origin}. @throws ParleyException INVALID, FORBIDDEN or CONTENT_TOO_LONG */
    public static void validate(OrgWire.Event e, String origin) {
        if (e == null || e.op() == null || e.messageId() == null || e.messagePod() == null || e.hlc() < 0 || e.at() < 0 || e.seq() < 0) {
            throw ParleyException.invalid("every event needs seq, op, messageId, messagePod, hlc and at");
        }
        OrgWire.Author a = e.author();
        if (a == null || a.id() == null || a.handle() == null || a.handle().isBlank() || a.handle().length() > 64
                || a.name() == null || a.name().length() > 128) {
            throw ParleyException.invalid("every event needs an author {id, handle, name}");
        }
        OrgOp op = OrgOp.fromWire(e.op()).orElseThrow(() -> ParleyException.invalid("unknown op '" + e.op() + "'"));
        switch (op) {
            case POST -> {
                if (!e.messagePod().equals(origin)) throw ParleyException.forbidden("a post comes from its message's origin pod");
                requireContent(e.content());
                if ((e.threadRoot() == null) != (e.threadRootPod() == null)) throw ParleyException.invalid("threadRoot and threadRootPod go together");
                validateFiles(e.files());
            }
            case EDIT -> {
                if (!e.messagePod().equals(origin)) throw ParleyException.forbidden("only the author's pod edits a message");
                requireContent(e.content());
            }
            case DELETE -> { }
            case REACT_ADD, REACT_REMOVE -> {
                if (e.emoji() == null || e.emoji().isBlank() || e.emoji().length() > 64) throw ParleyException.invalid("a reaction needs an emoji");
            }
        }
    }

    private static void validateFiles(List<OrgWire.FileMeta> files) {
        if (files == null) return;
        if (files.size() > io.parley.core.files.FileService.MAX_ATTACHMENTS) throw ParleyException.invalid("too many files on a message");
        for (OrgWire.FileMeta f : files) {
            if (f == null || f.id() == null || f.contentType() == null || !TYPE.matcher(f.contentType()).matches() || f.size() <= 0
                    || f.sha256() == null || !SHA.matcher(f.sha256()).matches()
                    || (f.thumbSha256() != null && !SHA.matcher(f.thumbSha256()).matches())
                    || (f.width() != null && (f.width() < 1 || f.width() > 100_000))
                    || (f.height() != null && (f.height() < 1 || f.height() > 100_000))) {
                throw ParleyException.invalid("every file needs id, contentType, size > 0 and sha256 (hex)");
            }
        }
    }

    private static void requireContent(String content) {
        if (content == null) throw ParleyException.invalid("a post or edit needs content");
        if (content.length() > Message.MAX_CONTENT) throw new ParleyException(ErrorCode.CONTENT_TOO_LONG, "content is too long");
    }
}
