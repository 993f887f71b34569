package io.parley.server.federation.link;

import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.pod.HealthManager;
import io.parley.core.pod.PeerHealth;
import io.parley.server.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Linking pods, and the admin's view of the links. The handshake:
 * <ol>
 *   <li>An admin of pod A makes an invitation ({@link #invite}): A's id, public URL and key and a one-time token
 *       with an expiry; A keeps the token's hash.</li>
 *   <li>An admin of pod B presents it to B ({@link #accept}). B checks it and calls A's
 *       {@code POST /pod/v1/peering/accept} with the token and its own id, URL and key, signed with that key.</li>
 *   <li>A checks the signature against the key in the body, the timestamp and nonce like any pod request, and the
 *       token (unknown, used or expired: refused); then, in one transaction, uses the token up and stores B. Its
 *       reply, signed with A's key, names A again.</li>
 *   <li>B checks that the reply is signed by the key in the invitation and stores A.</li>
 * </ol>
 * Both sides confirmed: A's admin by making the invitation, B's by presenting it. Every operation here needs a pod
 * admin: the owner or an admin of the pod's first workspace (the one first-run setup made).
 */
public final class Peering {
    public static final String ACCEPT = PodRoutes.PREFIX + "peering/accept";
    public static final String UNLINK = PodRoutes.PREFIX + "peering/unlink";
    static final Duration DEFAULT_TTL = Duration.ofDays(1);
    static final Duration MAX_TTL = Duration.ofDays(7);
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Peering.class);

    /** The body of the peering call: the accepting pod and the token. */
    record AcceptCall(String token, String podId, String url, String publicKey, String tlsPin) {}

    /** The inviter's answer: itself. */
    record AcceptAnswer(String podId, String url, String publicKey, String tlsPin) {}

    /** A new invitation: the string to hand over and when it stops working. */
    public record Created(String invitation, Instant expiresAt) {}

    /** A linked peer with its health, for the admin API. */
    public record PeerView(String id, String url, String publicKey, String fingerprint, String tlsPin, Instant linkedAt, String direction,
                           String state, int score, int computedScore, Integer override, boolean usable, int missedHeartbeats,
                           Instant lastSeen, double p95LatencyMs, Long clockOffsetMs, boolean skewed) {}

    private final PodIdentity me;
    private final Supplier<String> publicUrl;
    private final PodStore store;
    private final PeerDirectory peers;
    private final PodClient client;
    private final HealthManager health;
    private final ClockSkew skew;
    private final Heartbeats heartbeats;
    private final InboundAuth auth;
    private final Clock clock;
    /** This pod's TLS key pin, carried by its invitations and accept calls, or null. */
    private final String tlsPin;

    Peering(PodIdentity me, Supplier<String> publicUrl, String tlsPin, PodStore store, PeerDirectory peers, PodClient client,
            HealthManager health, ClockSkew skew, Heartbeats heartbeats, InboundAuth auth, Clock clock) {
        this.tlsPin = tlsPin;
        this.me = me;
        this.publicUrl = publicUrl;
        this.store = store;
        this.peers = peers;
        this.client = client;
        this.health = health;
        this.skew = skew;
        this.heartbeats = heartbeats;
        this.auth = auth;
        this.clock = clock;
    }

    /** Makes an invitation valid for {@code ttl} (default one day, at most seven). */
    public Created invite(Principal caller, Duration ttl) {
        requireAdmin(caller);
        Duration t = ttl == null ? DEFAULT_TTL : ttl;
        if (t.isNegative() || t.isZero() || t.compareTo(MAX_TTL) > 0) throw ParleyException.invalid("expiresIn must be between 1 second and 7 days");
        Instant now = clock.instant();
        Instant expires = Instant.ofEpochMilli(now.plus(t).toEpochMilli());
        String token = Signing.nonce() + Signing.nonce();
        store.insertInvitation(new PodStore.Invitation(Uuid7.next(), Invitation.tokenHash(token), caller.userId(), now, expires));
        log.info("pod invitation created by user {}, valid until {}", caller.userId(), expires);
        return new Created(new Invitation(1, me.id(), publicUrl.get(), me.publicKeyText(), token, expires.toEpochMilli(), tlsPin).encode(), expires);
    }

    /** Presents another pod's invitation to it and, when it confirms, links it. {@return the new peer} */
    public PeerView accept(Principal caller, String text) {
        requireAdmin(caller);
        Invitation inv = Invitation.decode(text);
        if (inv.expiresAt() <= clock.millis()) throw new ParleyException(ErrorCode.EXPIRED_INVITATION, "the invitation expired at " + Instant.ofEpochMilli(inv.expiresAt()));
        if (inv.podId().equals(me.id())) throw new ParleyException(ErrorCode.POD_ID_CONFLICT, "the invitation is from this pod's own id '" + me.id() + "'");
        store.peer(inv.podId()).ifPresent(existing -> {
            if (!existing.publicKey().equals(inv.publicKey())) {
                throw new ParleyException(ErrorCode.POD_ID_CONFLICT, "pod '" + inv.podId() + "' is already linked with another key; unlink it first");
            }
        });
        PublicKey key = Ed25519.publicKey(inv.publicKey());
        AcceptCall call = new AcceptCall(inv.token(), me.id(), publicUrl.get(), me.publicKeyText(), tlsPin);
        PodResult r = client.sendAsync(new PeerAddress(inv.podId(), inv.url(), key, inv.tlsPin()), ACCEPT, PodClient.json(call), ACCEPT_TIMEOUT,
                PodClient.Report.NONE).join();
        switch (r) {
            case PodResult.Failed f when f.code() != null && f.status() >= 400 && f.status() < 500 -> {
                ErrorCode code = switch (f.code()) {
                    case "expired_invitation" -> ErrorCode.EXPIRED_INVITATION;
                    case "pod_id_conflict" -> ErrorCode.POD_ID_CONFLICT;
                    case "invalid_invitation" -> ErrorCode.INVALID_INVITATION;
                    default -> ErrorCode.PEER_UNREACHABLE;
                };
                throw new ParleyException(code, "pod '" + inv.podId() + "' refused the invitation (" + f.code() + ")");
            }
            case PodResult.Failed f -> throw new ParleyException(ErrorCode.PEER_UNREACHABLE,
                    "pod '" + inv.podId() + "' at " + inv.url() + " did not confirm: " + f.message(), 5, null);
            case PodResult.Ok ok -> {
                AcceptAnswer a = ok.json(AcceptAnswer.class);
                if (!inv.podId().equals(a.podId()) || !inv.publicKey().equals(a.publicKey())) {
                    throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "pod '" + inv.podId() + "' answered as another pod");
                }
            }
        }
        Peer peer = new Peer(inv.podId(), inv.url(), inv.publicKey(), clock.instant(), Peer.Direction.THEY_INVITED, null, inv.tlsPin());
        store.savePeer(peer);
        linked(peer);
        log.info("linked to pod {} at {} (key {}), which invited this pod", peer.id(), peer.url(), PodIdentity.fingerprint(peer.publicKey()));
        return view(peer);
    }

    /** {@return every linked peer with its health} */
    public List<PeerView> list(Principal caller) {
        requireAdmin(caller);
        return store.peers().stream().map(this::view).toList();
    }

    /** Unlinks a peer here, and tells it (best effort) so that it unlinks this pod too. */
    public void unlink(Principal caller, String id) {
        requireAdmin(caller);
        Peer peer = store.peer(id).orElseThrow(() -> ParleyException.notFound("no linked pod '" + id + "'"));
        client.sendAsync(peer.address(), UNLINK, PodClient.json(java.util.Map.of("podId", me.id())),
                Duration.ofSeconds(2), PodClient.Report.NONE);
        store.deletePeer(id);
        unlinked(id);
        log.info("unlinked pod {} (admin {})", id, caller.userId());
    }

    /** Sets (0–100) or clears (null) the admin's score for a peer. */
    public PeerView override(Principal caller, String id, Integer score) {
        requireAdmin(caller);
        if (score != null && (score < 0 || score > 100)) throw ParleyException.invalid("score must be between 0 and 100, or null");
        if (!store.setScoreOverride(id, score)) throw ParleyException.notFound("no linked pod '" + id + "'");
        peers.invalidate(id);
        health.override(id, score);
        return view(store.peer(id).orElseThrow(() -> ParleyException.notFound("no linked pod '" + id + "'")));
    }

    /** Registers the inbound peering calls. */
    void register(PodRoutes routes) {
        routes.handleUnlinked(ACCEPT, (request, signed) -> {
            AcceptCall call = PodRoutes.parse(request.body(), AcceptCall.class);
            PublicKey key;
            try {
                key = Ed25519.publicKey(call.publicKey());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw auth.reject(ErrorCode.INVALID_INVITATION, "the accepting pod's public key is not an Ed25519 key");
            }
            if (!signed.pod().equals(call.podId())) throw auth.reject(ErrorCode.INVALID_INVITATION, "Parley-Pod does not match podId");
            auth.verifyWith(request, signed, key);
            return acceptCall(call);
        });
        routes.handle(UNLINK, (from, body) -> {
            store.deletePeer(from);
            unlinked(from);
            log.info("pod {} unlinked itself from this pod", from);
            return PodReply.noContent();
        });
    }

    private HttpResponse acceptCall(AcceptCall call) {
        if (call.token() == null || call.url() == null || !call.url().matches("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")) {
            throw auth.reject(ErrorCode.INVALID_INVITATION, "token and an http(s) url are required");
        }
        if (call.tlsPin() != null && (!TlsPin.valid(call.tlsPin()) || !call.url().startsWith("https://"))) {
            throw auth.reject(ErrorCode.INVALID_INVITATION, "a TLS pin is sha256/<base64> of 32 bytes, for an https url");
        }
        if (call.podId().equals(me.id())) throw auth.reject(ErrorCode.POD_ID_CONFLICT, "pod id '" + me.id() + "' is this pod's own");
        store.peer(call.podId()).ifPresent(existing -> {
            if (!existing.publicKey().equals(call.publicKey())) {
                throw auth.reject(ErrorCode.POD_ID_CONFLICT, "a pod '" + call.podId() + "' is already linked with another key");
            }
        });
        Peer peer = new Peer(call.podId(), call.url(), call.publicKey(), clock.instant(), Peer.Direction.WE_INVITED, null, call.tlsPin());
        switch (store.linkByInvitation(Invitation.tokenHash(call.token()), peer, clock.instant())) {
            case ACCEPTED -> { }
            case EXPIRED -> throw auth.reject(ErrorCode.EXPIRED_INVITATION, "the invitation expired");
            case ALREADY_USED -> throw auth.reject(ErrorCode.INVALID_INVITATION, "the invitation was already used");
            case UNKNOWN -> throw auth.reject(ErrorCode.INVALID_INVITATION, "no such invitation");
        }
        linked(peer);
        log.info("linked to pod {} at {} (key {}), which accepted this pod's invitation", peer.id(), peer.url(),
                PodIdentity.fingerprint(peer.publicKey()));
        return HttpResponse.ok(new AcceptAnswer(me.id(), publicUrl.get(), me.publicKeyText(), tlsPin));
    }

    private void linked(Peer peer) {
        peers.invalidate(peer.id());
        health.watch(peer.id());
    }

    private void unlinked(String id) {
        peers.invalidate(id);
        heartbeats.forget(id);
    }

    private void requireAdmin(Principal caller) {
        if (caller == null || !store.isPodAdmin(caller.userId())) {
            throw ParleyException.forbidden("only the pod's admins (owner and admins of its first workspace) may manage pod links");
        }
    }

    private PeerView view(Peer p) {
        PeerHealth h = health.health(p.id());
        Long offset = skew.offset(p.id()).map(Duration::toMillis).orElse(null);
        return new PeerView(p.id(), p.url(), p.publicKey(), PodIdentity.fingerprint(p.publicKey()), p.tlsPin(), p.linkedAt(), p.direction().wire(),
                h.state().name().toLowerCase(java.util.Locale.ROOT), h.score(), h.computedScore(), h.override(), h.usable(),
                h.missedHeartbeats(), h.lastSeen(), h.p95LatencyMs(), offset, skew.skewed(p.id()));
    }
}
