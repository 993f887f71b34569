package io.parley.core.chat;

import io.parley.core.auth.Principal;
import io.parley.core.bus.Bus;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.store.ChatStore;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Permission;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.WorkspaceService;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Channels, DMs and group DMs, and who is in them. Every access rule for chats lives here:
 * <ul>
 *   <li>read: members of the chat; also non-guest workspace members for public channels;</li>
 *   <li>post, edit, react: members of a chat that is not archived;</li>
 *   <li>join: non-guests, public channels only; add others: members of the chat who are not guests, or admins;</li>
 *   <li>remove others, rename, archive: admins, or the channel's creator; topic and purpose: any non-guest member.</li>
 * </ul>
 * Chats the caller may not read answer NOT_FOUND over REST lookups (no existence leak) and
 * FORBIDDEN for frames naming them.
 */
public final class ChatService {
    private static final int MAX_GROUP_DM = 9;

    private final ChatStore chats;
    private final WorkspaceStore workspaces;
    private final ChatDirectory directory;
    private final Bus bus;
    private final Clock clock;

    public ChatService(ChatStore chats, WorkspaceStore workspaces, ChatDirectory directory, Bus bus, Clock clock) {
        this.chats = chats;
        this.workspaces = workspaces;
        this.directory = directory;
        this.bus = bus;
        this.clock = clock;
    }

    private Membership workspaceMember(Principal caller, UUID workspaceId) {
        return workspaces.membership(workspaceId, caller.userId())
                .orElseThrow(() -> ParleyException.notFound("no such workspace"));
    }

    /** {@return whether the user may read the chat} */
    public boolean canRead(UUID userId, Chat chat) {
        if (directory.isMember(chat.id(), userId)) return true;
        if (chat.kind() != ChatKind.PUBLIC_CHANNEL) return false;
        return workspaces.membership(chat.workspaceId(), userId).map(m -> m.role().may(Permission.READ_PUBLIC_CHANNELS)).orElse(false);
    }

    /** {@return the chat} @throws ParleyException FORBIDDEN unless the caller may read it (or it does not exist) */
    public Chat requireReadable(UUID userId, UUID chatId) {
        Chat chat = directory.find(chatId).orElseThrow(() -> ParleyException.forbidden("no access to this chat"));
        if (!canRead(userId, chat)) throw ParleyException.forbidden("no access to this chat");
        return chat;
    }

    /** {@return the chat} @throws ParleyException FORBIDDEN unless the caller is a member; ARCHIVED if it is read-only */
    public Chat requirePostable(UUID userId, UUID chatId) {
        Chat chat = directory.find(chatId).orElseThrow(() -> ParleyException.forbidden("no access to this chat"));
        if (!directory.isMember(chatId, userId)) {
            throw ParleyException.forbidden(chat.kind() == ChatKind.PUBLIC_CHANNEL ? "join the channel before posting" : "no access to this chat");
        }
        if (chat.archived()) throw new ParleyException(ErrorCode.ARCHIVED, "the chat is archived");
        return chat;
    }

    /** {@return the chat, for a REST lookup} @throws ParleyException NOT_FOUND unless readable */
    public Chat get(Principal caller, UUID chatId) {
        return withLastSeq(readable(caller, chatId));
    }

    /** The chat if the caller may read it, as the directory has it (its {@code lastSeq} may be stale). */
    private Chat readable(Principal caller, UUID chatId) {
        try {
            return requireReadable(caller.userId(), chatId);
        } catch (ParleyException e) {
            throw ParleyException.notFound("no such chat");
        }
    }

    /**
     * {@return the chat with its last seq as the store has it now} The directory caches a chat as it was loaded and
     * does not follow its log (a send never touches it), so a chat handed to a client takes the store's seq: a client
     * that trusts a stale one would sync from there.
     */
    private Chat withLastSeq(Chat c) {
        Long last = chats.lastSeqs(List.of(c.id())).get(c.id());
        if (last == null || last == c.lastSeq()) return c;
        return new Chat(c.id(), c.workspaceId(), c.kind(), c.name(), c.topic(), c.purpose(), c.archived(), c.createdBy(), c.createdAt(),
                last, c.dmKey());
    }

    /** {@return the chats of a workspace the caller is in, and (for non-guests, if asked) every public channel} */
    public List<Chat> list(Principal caller, UUID workspaceId, boolean includeUnjoinedPublic) {
        Membership m = workspaceMember(caller, workspaceId);
        List<Chat> mine = chats.chatsOf(workspaceId, caller.userId());
        if (!includeUnjoinedPublic || m.role() == Role.GUEST) return mine;
        Set<UUID> seen = mine.stream().map(Chat::id).collect(Collectors.toSet());
        List<Chat> all = new ArrayList<>(mine);
        for (Chat c : chats.publicChannels(workspaceId)) if (!seen.contains(c.id())) all.add(c);
        return all;
    }

    /** Creates a channel with the caller as its first member. */
    public Chat createChannel(Principal caller, UUID workspaceId, String name, boolean isPrivate, String topic, String purpose) {
        Membership m = workspaceMember(caller, workspaceId);
        if (!m.role().may(Permission.CREATE_CHANNELS)) throw ParleyException.forbidden("guests may not create channels");
        String n = Input.channelName(name);
        Chat chat = new Chat(Uuid7.next(), workspaceId, isPrivate ? ChatKind.PRIVATE_CHANNEL : ChatKind.PUBLIC_CHANNEL, n,
                Input.optionalName("topic", topic, 250), Input.optionalName("purpose", purpose, 250), false,
                caller.userId(), clock.instant(), 0, null);
        chats.create(chat, List.of(caller.userId()));
        announce(chat, caller.userId(), 0); // the creator's nodes start following the chat from its beginning
        return chat;
    }

    /** Opens (or returns the existing) DM or group DM between the caller and the others. */
    public Chat openDm(Principal caller, UUID workspaceId, Collection<UUID> others) {
        workspaceMember(caller, workspaceId);
        TreeSet<UUID> people = new TreeSet<>(others == null ? List.of() : others);
        people.add(caller.userId());
        if (people.size() < 2 && (others == null || others.isEmpty())) throw ParleyException.invalid("userIds must name at least one other user");
        if (people.size() > MAX_GROUP_DM) throw ParleyException.invalid("a group DM has at most " + MAX_GROUP_DM + " people");
        for (UUID u : people) {
            if (workspaces.membership(workspaceId, u).isEmpty()) throw ParleyException.notFound("no such user in this workspace");
        }
        String key = people.stream().map(UUID::toString).collect(Collectors.joining(","));
        var existing = chats.byDmKey(workspaceId, key);
        if (existing.isPresent()) return existing.get();
        Chat chat = new Chat(Uuid7.next(), workspaceId, people.size() <= 2 ? ChatKind.DM : ChatKind.GROUP_DM, null, "", "",
                false, caller.userId(), clock.instant(), 0, key);
        try {
            chats.create(chat, people);
        } catch (ParleyException e) {
            if (e.code() == ErrorCode.CONFLICT) return chats.byDmKey(workspaceId, key).orElseThrow(() -> e); // lost a race: same DM
            throw e;
        }
        for (UUID u : people) announce(chat, u, 0); // each person's node starts following the new conversation
        return chat;
    }

    /** Changes topic and purpose (members), or name (admins or the creator). */
    public Chat update(Principal caller, UUID chatId, String name, String topic, String purpose) {
        Chat chat = readable(caller, chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("only channels have a name, topic and purpose");
        Membership m = workspaceMember(caller, chat.workspaceId());
        if (m.role() == Role.GUEST || !directory.isMember(chatId, caller.userId()) && !m.role().may(Permission.MANAGE_CHANNEL_SETTINGS)) {
            throw ParleyException.forbidden("only members of the channel may change it");
        }
        String newName = chat.name();
        if (name != null && !Input.channelName(name).equals(chat.name())) {
            requireManager(caller, chat, m);
            if (WorkspaceService.GENERAL.equals(chat.name())) throw ParleyException.forbidden("#general cannot be renamed");
            newName = Input.channelName(name);
        }
        Chat updated = new Chat(chat.id(), chat.workspaceId(), chat.kind(), newName,
                topic == null ? chat.topic() : Input.optionalName("topic", topic, 250),
                purpose == null ? chat.purpose() : Input.optionalName("purpose", purpose, 250),
                chat.archived(), chat.createdBy(), chat.createdAt(), chat.lastSeq(), chat.dmKey());
        chats.update(updated);
        changed(chat);
        return chats.byId(chatId).orElseThrow();
    }

    /**
     * Sets a channel's topic decided elsewhere — the configuration of an org-shared resilient channel, authorised on
     * the pod that changed it — so there is no caller here. Members see the change like any other. Hidden characters
     * are dropped rather than refused: the origin decided, and a pod of an older release may not have checked.
     */
    public void adoptTopic(UUID chatId, String topic) {
        Chat chat = chats.byId(chatId).orElse(null);
        if (chat == null || !chat.kind().isChannel()) return;
        String t = Input.optionalText("topic", Input.withoutHidden(topic), 250);
        if (t.equals(chat.topic())) return;
        chats.update(new Chat(chat.id(), chat.workspaceId(), chat.kind(), chat.name(), t, chat.purpose(), chat.archived(),
                chat.createdBy(), chat.createdAt(), chat.lastSeq(), chat.dmKey()));
        changed(chat);
    }

    /** Archives (read-only) or unarchives a channel: admins or its creator; #general stays. */
    public Chat setArchived(Principal caller, UUID chatId, boolean archived) {
        Chat chat = readable(caller, chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("only channels can be archived");
        requireManager(caller, chat, workspaceMember(caller, chat.workspaceId()));
        if (archived && WorkspaceService.GENERAL.equals(chat.name())) throw ParleyException.forbidden("#general cannot be archived");
        chats.update(new Chat(chat.id(), chat.workspaceId(), chat.kind(), chat.name(), chat.topic(), chat.purpose(), archived,
                chat.createdBy(), chat.createdAt(), chat.lastSeq(), chat.dmKey()));
        changed(chat);
        return chats.byId(chatId).orElseThrow();
    }

    private void requireManager(Principal caller, Chat chat, Membership m) {
        if (!m.role().may(Permission.MANAGE_CHANNEL_SETTINGS) && !caller.userId().equals(chat.createdBy())) {
            throw ParleyException.forbidden("only admins or the channel's creator may do that");
        }
    }

    /** Joins a public channel (non-guests). */
    public Chat join(Principal caller, UUID chatId) {
        Membership m;
        Chat chat = directory.find(chatId).orElseThrow(() -> ParleyException.notFound("no such chat"));
        m = workspaceMember(caller, chat.workspaceId());
        if (directory.isMember(chatId, caller.userId())) return withLastSeq(chat);
        if (chat.kind() != ChatKind.PUBLIC_CHANNEL || m.role() == Role.GUEST) throw ParleyException.notFound("no such chat");
        if (chat.archived()) throw new ParleyException(ErrorCode.ARCHIVED, "the channel is archived");
        addAndAnnounce(chat, caller.userId());
        return withLastSeq(chat);
    }

    /** Leaves a channel (DMs cannot be left). */
    public void leave(Principal caller, UUID chatId) {
        Chat chat = requireReadable(caller.userId(), chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("DMs cannot be left");
        if (WorkspaceService.GENERAL.equals(chat.name())) throw ParleyException.forbidden("#general cannot be left");
        if (chats.removeMember(chatId, caller.userId())) announce(chat, caller.userId(), -1);
    }

    /** Adds workspace members to a channel: its non-guest members, or admins. */
    public void addMembers(Principal caller, UUID chatId, Collection<UUID> userIds) {
        Chat chat = readable(caller, chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("people cannot be added to a DM; open a group DM instead");
        if (chat.archived()) throw new ParleyException(ErrorCode.ARCHIVED, "the channel is archived");
        Membership m = workspaceMember(caller, chat.workspaceId());
        boolean member = directory.isMember(chatId, caller.userId());
        if (m.role() == Role.GUEST || (!member && !m.role().may(Permission.MANAGE_CHANNEL_SETTINGS))) {
            throw ParleyException.forbidden("only members of the channel may add people");
        }
        if (userIds == null || userIds.isEmpty()) throw ParleyException.invalid("userIds must not be empty");
        for (UUID u : userIds) {
            if (workspaces.membership(chat.workspaceId(), u).isEmpty()) throw ParleyException.notFound("no such user in this workspace");
        }
        for (UUID u : userIds) addAndAnnounce(chat, u);
    }

    /** Removes someone from a channel (admins or the channel's creator). */
    public void removeMember(Principal caller, UUID chatId, UUID userId) {
        Chat chat = readable(caller, chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("people cannot be removed from a DM");
        requireManager(caller, chat, workspaceMember(caller, chat.workspaceId()));
        if (WorkspaceService.GENERAL.equals(chat.name())) throw ParleyException.forbidden("nobody is removed from #general; remove them from the workspace");
        if (!chats.removeMember(chatId, userId)) throw ParleyException.notFound("not a member of this channel");
        announce(chat, userId, -1);
    }

    /** {@return how many members the chat has} (for fan-out budgets; no access check) */
    public int memberCount(UUID chatId) {
        return directory.members(chatId).size();
    }

    /** {@return the ids of the chat's members} */
    public List<UUID> members(Principal caller, UUID chatId) {
        Chat chat = readable(caller, chatId);
        return List.copyOf(directory.members(chat.id()));
    }

    private void addAndAnnounce(Chat chat, UUID userId) {
        long since = chats.addMember(chat.id(), userId);
        if (since >= 0) announce(chat, userId, since);
    }

    /** @param sinceSeq the chat's seq when the user joined (see {@link BusEvent.MembershipChanged}), or -1: they left */
    private void announce(Chat chat, UUID userId, long sinceSeq) {
        boolean joined = sinceSeq >= 0;
        directory.memberChanged(chat.id(), userId, joined);
        bus.publish(new BusEvent.MembershipChanged(chat.workspaceId(), chat.id(), userId, joined, sinceSeq));
    }

    private void changed(Chat chat) {
        directory.invalidate(chat.id());
        bus.publish(new BusEvent.ChatChanged(chat.workspaceId(), chat.id()));
    }

}
