package io.parley.server.federation.org;

import io.parley.core.auth.Principal;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.store.ChatStore;
import io.parley.server.federation.link.PeerDirectory;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodReply;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.link.PodRoutes;
import io.parley.server.federation.link.PodStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Orgs and their shared channels, for the pod's admins, and the org state pods exchange.
 *
 * <p><b>Propagation.</b> An org's state (members and channel offers) only grows, so pods exchange it whole and
 * join it by union: every change here sends {@link OrgWire#SYNC} with the whole state to every other member,
 * which joins it with its own and answers with its own, joined here in turn. A pod accepts an org's state only
 * from a pod the state names as member and, for an org it already knows, that it counts as a member itself;
 * and only if it is named a member too.
 */
final class Orgs {
    private static final Logger log = LoggerFactory.getLogger(Orgs.class);
    private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N} ._-]{1,80}$");
    private static final Pattern POD_ID = Pattern.compile("^[a-z0-9][a-z0-9.-]{0,62}$");

    private final String me;
    private final OrgDirectory store;
    private final PodStore pods;
    private final PeerDirectory peers;
    private final PodClient client;
    private final ChatService chatService;
    private final ChatStore chats;
    private final Clock clock;
    /** Told when a peer mapped a channel (or the org changed): wake the outbox. */
    private final Consumer<String> wake;

    Orgs(String me, OrgDirectory store, PodStore pods, PeerDirectory peers, PodClient client, ChatService chatService, ChatStore chats,
         Clock clock, Consumer<String> wake) {
        this.me = me;
        this.store = store;
        this.pods = pods;
        this.peers = peers;
        this.client = client;
        this.chatService = chatService;
        this.chats = chats;
        this.clock = clock;
        this.wake = wake;
    }

    /** An org with its members, for the admin API. */
    record OrgView(String id, String name, String homePod, List<String> members, Map<String, String> synced) {}

    OrgView create(Principal caller, String name) {
        requireAdmin(caller);
        if (name == null || !NAME.matcher(name).matches()) throw ParleyException.invalid("name: 1–80 letters, digits, spaces, . _ -");
        OrgDirectory.Org org = new OrgDirectory.Org(Uuid7.next().toString(), name, me, clock.instant());
        store.insertOrg(org);
        store.addMembers(org.id(), Set.of(me), clock.instant());
        log.info("org {} ({}) created by user {}", org.id(), name, caller.userId());
        return view(org, Map.of());
    }

    List<OrgView> list(Principal caller) {
        requireAdmin(caller);
        return store.orgs().stream().map(o -> view(o, Map.of())).toList();
    }

    /** Adds a linked pod to the org and sends the new state to every member. */
    OrgView addMember(Principal caller, String orgId, String pod) {
        requireAdmin(caller);
        OrgDirectory.Org org = org(orgId);
        if (pod == null || !POD_ID.matcher(pod).matches()) throw ParleyException.invalid("pod: a pod id");
        if (!pod.equals(me) && peers.find(pod).isEmpty()) throw ParleyException.invalid("pod '" + pod + "' is not linked to this pod");
        store.addMembers(orgId, Set.of(pod), clock.instant());
        log.info("pod {} added to org {} by user {}", pod, orgId, caller.userId());
        return view(org, propagate(orgId));
    }

    /** Shares a local channel with the org: every member pod is offered it. */
    OrgDirectory.OrgChannel share(Principal caller, String orgId, UUID chatId) {
        requireAdmin(caller);
        OrgDirectory.Org org = org(orgId);
        Chat chat = chats.byId(chatId).orElseThrow(() -> ParleyException.notFound("no such chat"));
        if (chat.kind() != ChatKind.PUBLIC_CHANNEL && chat.kind() != ChatKind.PRIVATE_CHANNEL) {
            throw ParleyException.invalid("only channels can be org-shared");
        }
        if (store.channelOfChat(chatId).isPresent()) throw new ParleyException(ErrorCode.CONFLICT, "the channel is org-shared already");
        var ch = new OrgDirectory.OrgChannel("org:" + org.id() + "#" + chat.name(), org.id(), chat.name(), me,
                chat.kind() == ChatKind.PRIVATE_CHANNEL, clock.instant(), chatId);
        if (!store.offerChannel(ch)) throw new ParleyException(ErrorCode.CONFLICT, "org channel '" + ch.id() + "' exists already");
        log.info("chat {} shared with org {} as {} by user {}", chatId, orgId, ch.id(), caller.userId());
        propagate(orgId);
        wakeMembers(orgId);
        return ch;
    }

    /**
     * Maps an org channel to a local chat: an existing channel ({@code chatId}) or a new one in {@code workspaceId}
     * (public or private as the channel was offered).
     */
    OrgDirectory.OrgChannel map(Principal caller, String orgChannelId, UUID workspaceId, UUID chatId) {
        requireAdmin(caller);
        OrgDirectory.OrgChannel ch = store.channel(orgChannelId)
                .orElseThrow(() -> new ParleyException(ErrorCode.UNKNOWN_ORG_CHANNEL, "no org channel '" + orgChannelId + "'"));
        if (ch.chatId() != null) throw new ParleyException(ErrorCode.CONFLICT, "the org channel is mapped already");
        UUID target;
        if (chatId != null) {
            Chat chat = chats.byId(chatId).orElseThrow(() -> ParleyException.notFound("no such chat"));
            if (chat.kind() != ChatKind.PUBLIC_CHANNEL && chat.kind() != ChatKind.PRIVATE_CHANNEL) {
                throw ParleyException.invalid("only channels can be mapped");
            }
            if (store.channelOfChat(chatId).isPresent()) throw new ParleyException(ErrorCode.CONFLICT, "the chat is mapped to another org channel");
            target = chatId;
        } else if (workspaceId != null) {
            target = chatService.createChannel(caller, workspaceId, ch.name(), ch.isPrivate(), null, null).id();
        } else {
            throw ParleyException.invalid("workspaceId or chatId is required");
        }
        if (!store.map(orgChannelId, target)) throw new ParleyException(ErrorCode.CONFLICT, "the org channel is mapped already");
        log.info("org channel {} mapped to chat {} by user {}", orgChannelId, target, caller.userId());
        for (String peer : store.members(ch.orgId())) {
            if (!peer.equals(me) && peers.find(peer).isPresent()) client.sendAsync(peer, OrgWire.MAPPED, new OrgWire.Mapped(orgChannelId));
        }
        wakeMembers(ch.orgId());
        return store.channel(orgChannelId).orElseThrow();
    }

    /** Registers the inbound org-state calls. */
    void register(PodRoutes routes) {
        routes.handle(OrgWire.SYNC, OrgWire.OrgState.class, (from, state) -> PodReply.ok(join(from, state)));
        routes.handle(OrgWire.MAPPED, OrgWire.Mapped.class, (from, m) -> {
            store.channel(m.orgChannelId()).ifPresent(ch -> {
                if (store.members(ch.orgId()).contains(from)) {
                    store.markMapped(from, ch.id(), clock.instant());
                    wake.accept(from);
                }
            });
            return PodReply.noContent();
        });
    }

    /** Joins another pod's view of an org with this one's; {@return this pod's view after the join} */
    private OrgWire.OrgState join(String from, OrgWire.OrgState s) {
        if (s.id() == null || s.id().length() > 64 || s.name() == null || !NAME.matcher(s.name()).matches() || s.homePod() == null
                || s.members() == null || s.members().size() > 256) {
            throw ParleyException.invalid("not a valid org state");
        }
        for (String m : s.members()) if (m == null || !POD_ID.matcher(m).matches()) throw ParleyException.invalid("not a valid member pod id");
        if (!s.members().contains(from) || !s.members().contains(me)) {
            throw ParleyException.forbidden("an org's state is accepted only from a member, naming this pod a member");
        }
        var known = store.org(s.id());
        if (known.isPresent() && !store.members(s.id()).contains(from)) {
            throw ParleyException.forbidden("pod '" + from + "' is not a member of org " + s.id() + " here");
        }
        if (known.isEmpty()) {
            store.insertOrg(new OrgDirectory.Org(s.id(), s.name(), s.homePod(), clock.instant()));
            log.info("pod {} made this pod a member of org {} ({})", from, s.id(), s.name());
        }
        int added = store.addMembers(s.id(), new HashSet<>(s.members()), clock.instant());
        int offered = 0;
        for (OrgWire.ChannelOffer c : s.channels() == null ? List.<OrgWire.ChannelOffer>of() : s.channels()) {
            if (c == null || c.id() == null || c.name() == null || !c.id().equals("org:" + s.id() + "#" + c.name())
                    || c.offeredBy() == null || !s.members().contains(c.offeredBy())) {
                continue; // not a channel of this org
            }
            if (store.offerChannel(new OrgDirectory.OrgChannel(c.id(), s.id(), c.name(), c.offeredBy(), c.isPrivate(), clock.instant(), null))) {
                offered++;
                log.info("org channel {} offered by pod {}; an admin may map it", c.id(), c.offeredBy());
            }
        }
        if (added > 0 || offered > 0) wakeMembers(s.id());
        return state(s.id());
    }

    private OrgWire.OrgState state(String orgId) {
        OrgDirectory.Org org = org(orgId);
        List<OrgWire.ChannelOffer> offers = new ArrayList<>();
        for (OrgDirectory.OrgChannel c : store.channels()) {
            if (c.orgId().equals(orgId)) offers.add(new OrgWire.ChannelOffer(c.id(), c.name(), c.offeredBy(), c.isPrivate()));
        }
        return new OrgWire.OrgState(org.id(), org.name(), org.homePod(), store.members(orgId), offers);
    }

    /** Sends the org's state to every other member and joins their answers; {@return each member's outcome} */
    private Map<String, String> propagate(String orgId) {
        OrgWire.OrgState s = state(orgId);
        Map<String, CompletableFuture<PodResult>> calls = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (String m : s.members()) {
            if (m.equals(me)) continue;
            if (peers.find(m).isEmpty()) {
                out.put(m, "not_linked");
                continue;
            }
            calls.put(m, client.sendAsync(m, OrgWire.SYNC, s));
        }
        calls.forEach((m, f) -> {
            PodResult r = f.join();
            if (r instanceof PodResult.Ok ok) {
                try {
                    joinAnswer(m, ok.json(OrgWire.OrgState.class));
                    out.put(m, "synced");
                } catch (ParleyException e) {
                    out.put(m, "refused");
                }
            } else if (r instanceof PodResult.Failed f2) {
                out.put(m, f2.code() != null ? f2.code() : "unreachable");
                log.warn("org {}: could not send its state to pod {}: {}", orgId, m, f2.message());
            }
        });
        return out;
    }

    /**
     * Sends every org's state again to its other members ({@code peer} only, if not null) without waiting, and joins
     * their answers: a change whose sync was lost (the member was away, or refused it for a moment) is made up so.
     * Called on a timer and when a peer comes back ALIVE.
     */
    void resync(String peer) {
        for (OrgDirectory.Org o : store.orgs()) {
            List<String> members = store.members(o.id());
            if (!members.contains(me) || (peer != null && !members.contains(peer))) continue;
            OrgWire.OrgState s = state(o.id());
            for (String m : members) {
                if (m.equals(me) || (peer != null && !peer.equals(m)) || peers.find(m).isEmpty()) continue;
                client.sendAsync(m, OrgWire.SYNC, s).thenAccept(r -> {
                    if (!(r instanceof PodResult.Ok ok)) return; // the next round tries again
                    try {
                        joinAnswer(m, ok.json(OrgWire.OrgState.class));
                    } catch (RuntimeException e) {
                        log.debug("org {}: pod {}'s answer to a re-sync was not joined: {}", o.id(), m, e.getMessage());
                    }
                });
            }
        }
    }

    private void joinAnswer(String from, OrgWire.OrgState s) {
        if (s.id() != null && store.org(s.id()).isPresent()) join(from, s);
    }

    private void wakeMembers(String orgId) {
        for (String m : store.members(orgId)) if (!m.equals(me)) wake.accept(m);
    }

    private OrgDirectory.Org org(String orgId) {
        return store.org(orgId).orElseThrow(() -> ParleyException.notFound("no org '" + orgId + "'"));
    }

    private OrgView view(OrgDirectory.Org o, Map<String, String> synced) {
        return new OrgView(o.id(), o.name(), o.homePod(), store.members(o.id()), synced);
    }

    void requireAdmin(Principal caller) {
        if (caller == null || !pods.isPodAdmin(caller.userId())) {
            throw ParleyException.forbidden("only the pod's admins may manage orgs and org channels");
        }
    }
}
