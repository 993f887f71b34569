package io.parley.server.federation.org;

import io.parley.core.auth.Principal;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.Message;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.HybridClock;
import io.parley.core.pod.PeerHealth;
import io.parley.core.pod.PeerState;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import io.parley.core.store.UserStore;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodDuties;
import io.parley.server.federation.link.PodStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Org-shared channels (issue 7 §2, §4), wired: orgs and mappings ({@link Orgs}), inbound ops ({@link OrgInbound}),
 * the per-peer outbox ({@link OrgDelivery}), digests and the merged order ({@link OrgDigest}), and the unreachable
 * indicator: every {@link #SWEEP} each mapped channel's unreachable members are worked out (DEAD, or behind while
 * delivery to them fails; a pod that has not mapped the channel is neither) and a change is published as
 * {@link BusEvent.OrgPeersChanged}, which the hub sends to the chat's local members as {@code org.peers}.
 */
public final class OrgChannels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrgChannels.class);
    static final Duration SWEEP = Duration.ofMillis(500);

    /** A member pod of an org channel as this pod sees it. */
    public record PeerView(String pod, String state, int score, boolean linked, boolean mapped, long cursor, boolean behind,
                           boolean unreachable, String lastPath, String lastError, int failures, Map<String, Long> pathSuccesses) {}

    /** An org channel with its mapping and its peers. */
    public record ChannelView(String id, String orgId, String name, String offeredBy, boolean isPrivate, UUID chatId, long lastSeq,
                              List<PeerView> peers) {}

    /** The org status of a chat, for its members. */
    public record OrgStatus(UUID chatId, String orgChannelId, List<String> unreachable, String message) {}

    /**
     * A channel's digest: {@code digest} covers {@code stateDigest} (the messages as they stand, core's merge rules)
     * and {@code orderDigest} (each origin's top-level messages in this pod's log order), so two pods compare equal
     * only when they hold the same messages and hold each origin's in the same order.
     */
    public record Digest(String orgChannelId, UUID chatId, String digest, int messages, String stateDigest, String orderDigest) {}

    private final Federation federation;
    private final OrgStore store;
    private final ChatService chatService;
    private final ChatStore chats;
    private final MessageLog messages;
    private final Bus bus;
    private final Orgs orgs;
    private final OrgInbound inbound;
    private final OrgDelivery delivery;
    private final OrgDigest digests;
    private final OrgFiles files;
    private final UserStore users;
    private final PodDuties duties;
    private final String me;
    private final Map<String, List<String>> lastUnreachable = new ConcurrentHashMap<>();
    private volatile Set<UUID> orgChats = Set.of();
    private final AutoCloseable subscription;
    private final AutoCloseable aliveListener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-org-sweep").daemon().unstarted(r));

    /**
     * @param files the file rules (null when files are off on this node: remote posts then come without their files and
     *     this pod's files are not served to others)
     * @param duties which node of the pod runs the delivery lanes, the unreachable indicator and the re-sync (on a
     *     scaled-out pod one node does; a single node always)
     * @param registry where the org layer's counters go
     */
    public OrgChannels(Federation federation, OrgStore store, PodStore pods, ChatService chatService, ChatStore chats, MessageLog messages,
                       UserStore users, Bus bus, HybridClock hlc, io.parley.core.files.FileService files,
                       PodDuties duties,
                       io.micrometer.core.instrument.MeterRegistry registry) {
        this.federation = federation;
        this.users = users;
        this.store = store;
        this.chatService = chatService;
        this.chats = chats;
        this.messages = messages;
        this.bus = bus;
        this.me = federation.identity().id();
        this.inbound = new OrgInbound(federation.identity(), store, federation.peers(), messages, chats, bus, hlc, federation.clock(),
                files == null ? 0 : files.settings().maxBytes(), registry);
        this.delivery = new OrgDelivery(me, store, federation.peers(), federation.client(), federation.health(), users, inbound,
                federation.clock());
        this.orgs = new Orgs(me, store, pods, federation.peers(), federation.client(), chatService, chats, federation.clock(), delivery::wake);
        this.digests = new OrgDigest(me, store);
        this.duties = duties;
        duties.onChange(delivery::active);
        delivery.active(duties.held());
        orgs.register(federation.routes());
        inbound.register(federation.routes());
        new OrgRelay(me, store, federation.peers(), federation.client(), federation.health()).register(federation.routes());
        this.files = new OrgFiles(store, federation.client(), messages, files);
        this.files.register(federation.routes());
        refreshChats();
        // A peer back ALIVE may have missed org changes meanwhile (their sync failed): send it every org's state again.
        this.aliveListener = federation.health().addListener((peer, from, to) -> {
            if (to == PeerState.ALIVE && from != PeerState.ALIVE && duties.held()) {
                try {
                    orgs.resync(peer);
                } catch (RuntimeException e) {
                    log.warn("org re-sync with pod {} failed; the periodic one will retry", peer, e);
                }
            }
        });
        // Local posting never waits: a committed event of an org chat only wakes the lanes.
        this.subscription = bus.subscribe(event -> {
            if (event instanceof BusEvent.Committed c && orgChats.contains(c.event().chatId())) delivery.wakeAllSoon();
        });
    }

    /** A remote author as a local reader sees them: the shadow user and the pod they are from. */
    public record RemoteUser(io.parley.core.auth.User user, String pod) {}

    /**
     * {@return a remote author (a shadow user) if the caller may see them: the caller may read an org-shared chat in
     * which they posted or reacted} Empty otherwise, or if the user is not a shadow.
     */
    public java.util.Optional<RemoteUser> visibleRemoteUser(UUID callerId, UUID userId) {
        java.util.Optional<String> pod = store.remotePodOf(userId);
        if (pod.isEmpty()) return java.util.Optional.empty();
        for (UUID chatId : store.orgChatsOf(userId)) {
            Chat chat = chats.byId(chatId).orElse(null);
            if (chat != null && chatService.canRead(callerId, chat)) {
                return users.byId(userId).map(u -> new RemoteUser(u, pod.get()));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * {@return the bytes of a remote file (an attachment of an org channel's message from another pod), or of its
     * thumbnail, fetched from its origin pod and checked, as a stream the caller closes} The caller has checked that
     * the local user may read it.
     */
    public java.io.InputStream remoteFileBytes(io.parley.core.files.FileInfo file, boolean thumbnail) {
        return files.fetch(file, thumbnail);
    }

    /** Starts the sweep: lanes that are due, and the unreachable indicator. */
    public void start() {
        long resync = federation.settings().orgResyncInterval().toMillis();
        timer.scheduleWithFixedDelay(this::resync, resync, resync, TimeUnit.MILLISECONDS);
        long ms = SWEEP.toMillis();
        timer.scheduleWithFixedDelay(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Sends every org's state again to its members (the node that holds the pod's duties does, for the pod). */
    private void resync() {
        try {
            if (duties.held()) orgs.resync(null);
        } catch (RuntimeException e) {
            log.warn("org re-sync failed; it runs again next round", e);
        }
    }

    /** {@return whether this node runs the pod's org delivery lanes (one node of a scaled-out pod does; the others stand by)} */
    public boolean deliveryActive() {
        return duties.held();
    }

    private void sweep() {
        try {
            List<OrgStore.OrgChannel> channels = store.channels(); // one read per sweep: the chat set and the indicator
            refreshChats(channels);
            if (!duties.held()) { // a standby: the node with the pod's duties runs the lanes and publishes the indicator (on the shared bus)
                lastUnreachable.clear();
                return;
            }
            delivery.wakeAll();
            for (OrgStore.OrgChannel ch : channels) {
                if (ch.chatId() == null) continue;
                List<String> now = unreachable(ch);
                List<String> before = lastUnreachable.put(ch.id(), now);
                if (before == null ? !now.isEmpty() : !before.equals(now)) {
                    Chat chat = chats.byId(ch.chatId()).orElse(null);
                    if (chat == null) continue;
                    if (now.isEmpty()) log.info("org channel {}: every member pod is reachable again", ch.id());
                    else log.info("org channel {}: member pods {} are unreachable; their messages will sync when they return", ch.id(), now);
                    bus.publish(new BusEvent.OrgPeersChanged(chat.workspaceId(), chat.id(), ch.id(), now));
                }
            }
        } catch (RuntimeException e) {
            log.warn("org sweep failed; it runs again shortly", e);
        }
    }

    private void refreshChats() {
        refreshChats(store.channels());
    }

    private void refreshChats(List<OrgStore.OrgChannel> channels) {
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        for (OrgStore.OrgChannel ch : channels) if (ch.chatId() != null) ids.add(ch.chatId());
        orgChats = ids;
    }

    /**
     * Sets the topic of the local chat an org channel maps to (a resilient channel's configuration carries it), if this
     * pod maps it; a topic this pod cannot take is logged and left as it was.
     */
    public void adoptTopic(String orgChannelId, String topic) {
        if (topic == null) return;
        store.channel(orgChannelId).map(OrgStore.OrgChannel::chatId).ifPresent(chatId -> {
            try {
                chatService.adoptTopic(chatId, topic);
            } catch (io.parley.core.error.ParleyException e) {
                log.warn("org channel {}: the topic of its configuration was not taken: {}", orgChannelId, e.getMessage());
            }
        });
    }

    /** {@return the channel's member pods that are unreachable now: DEAD, or behind while delivery to them fails} */
    private List<String> unreachable(OrgStore.OrgChannel ch) {
        List<String> out = new ArrayList<>();
        long last = store.lastSeq(ch.chatId());
        for (String peer : store.members(ch.orgId())) {
            if (peer.equals(me)) continue;
            PeerHealth h = federation.health().health(peer);
            boolean dead = h.state() == PeerState.DEAD;
            boolean behind = store.cursor(peer, ch.id()) < last;
            if (dead || (behind && delivery.failing(peer) && !delivery.notMapped(peer, ch.id()))) out.add(peer);
        }
        return List.copyOf(out);
    }

    // ---- the admin API ----

    public Orgs.OrgView createOrg(Principal caller, String name) { return orgs.create(caller, name); }

    public List<Orgs.OrgView> listOrgs(Principal caller) { return orgs.list(caller); }

    public Orgs.OrgView addMember(Principal caller, String orgId, String pod) { return orgs.addMember(caller, orgId, pod); }

    public ChannelView share(Principal caller, String orgId, UUID chatId) {
        return view(orgs.share(caller, orgId, chatId));
    }

    public ChannelView map(Principal caller, String orgChannelId, UUID workspaceId, UUID chatId) {
        ChannelView v = view(orgs.map(caller, orgChannelId, workspaceId, chatId));
        refreshChats();
        return v;
    }

    public List<ChannelView> channels(Principal caller) {
        orgs.requireAdmin(caller);
        return store.channels().stream().map(this::view).toList();
    }

    public ChannelView channel(Principal caller, String orgChannelId) {
        orgs.requireAdmin(caller);
        return view(known(orgChannelId));
    }

    public Digest digest(Principal caller, String orgChannelId) {
        orgs.requireAdmin(caller);
        OrgStore.OrgChannel ch = known(orgChannelId);
        if (ch.chatId() == null) throw ParleyException.invalid("the org channel is not mapped on this pod");
        OrgDigest.Digests d = digests.digests(ch.id(), ch.chatId());
        return new Digest(ch.id(), ch.chatId(), d.digest(), d.messages(), d.state(), d.order());
    }

    private OrgStore.OrgChannel known(String orgChannelId) {
        return store.channel(orgChannelId)
                .orElseThrow(() -> new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org channel '" + orgChannelId + "'"));
    }

    private ChannelView view(OrgStore.OrgChannel ch) {
        long last = ch.chatId() == null ? 0 : store.lastSeq(ch.chatId());
        List<String> unreachable = ch.chatId() == null ? List.of() : unreachable(ch);
        List<PeerView> peers = new ArrayList<>();
        for (String peer : store.members(ch.orgId())) {
            if (peer.equals(me)) continue;
            PeerHealth h = federation.health().health(peer);
            OrgDelivery.LaneView lane = delivery.view(peer);
            long cursor = store.cursor(peer, ch.id());
            peers.add(new PeerView(peer, h.state().name().toLowerCase(Locale.ROOT), h.score(), federation.peers().find(peer).isPresent(),
                    !lane.notMapped().contains(ch.id()), cursor, ch.chatId() != null && cursor < last, unreachable.contains(peer),
                    lane.lastPath(), lane.lastError(), lane.failures(), lane.pathSuccesses()));
        }
        return new ChannelView(ch.id(), ch.orgId(), ch.name(), ch.offeredBy(), ch.isPrivate(), ch.chatId(), last, peers);
    }

    // ---- hooks of resilient channels ----

    /** {@return the mapped chat's state as a replica, for digest comparison (resilient channels' reconciliation)} */
    public io.parley.core.pod.ChannelReplica replicaOf(OrgStore.OrgChannel ch) {
        return digests.replica(ch.id(), ch.chatId());
    }

    /** Wakes the outbox lane of a peer (after its cursor was reset). */
    public void wake(String peer) { delivery.wake(peer); }

    /** Applies restored ops of one origin (resilient channels' restore). */
    public OrgWire.BatchReply applyRestored(String origin, OrgStore.OrgChannel ch, List<OrgWire.Event> events) {
        return inbound.applyRestored(origin, ch, events);
    }

    // ---- for the chat's members ----

    /** {@return the chat's org status} @throws ParleyException FORBIDDEN unless the caller may read it; NOT_FOUND if not org-shared */
    public OrgStatus status(UUID userId, UUID chatId) {
        chatService.requireReadable(userId, chatId);
        OrgStore.OrgChannel ch = store.channelOfChat(chatId).orElseThrow(() -> ParleyException.notFound("the chat is not org-shared"));
        List<String> u = unreachable(ch);
        return new OrgStatus(chatId, ch.id(), u, u.isEmpty() ? null : "Some org peers are unreachable; messages will sync when they return");
    }

    /**
     * {@return the latest {@code limit} top-level messages of a chat in the merged order every pod shows: (post hlc,
     * origin pod, message id)} For a chat that is not org-shared it is simply the chats' messages by hlc.
     */
    public List<Message> merged(UUID userId, UUID chatId, int limit) {
        chatService.requireReadable(userId, chatId);
        List<Message> out = new ArrayList<>();
        for (UUID id : store.mergedOrder(chatId, limit)) messages.message(id).ifPresent(out::add);
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            aliveListener.close();
            subscription.close();
        } catch (Exception ignored) {
            // the bus is closing too
        }
        delivery.close();
        inbound.flushMarks();
    }
}
