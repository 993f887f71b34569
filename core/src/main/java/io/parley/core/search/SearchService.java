package io.parley.core.search;

import io.parley.core.auth.User;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatDirectory;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.Message;
import io.parley.core.error.ParleyException;
import io.parley.core.files.FileInfo;
import io.parley.core.files.FileStore;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import io.parley.core.store.UserStore;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Permission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Search with access control at query time: a user only ever gets results from chats they may
 * read <em>now</em> (membership is read when the query runs, so someone removed from a private
 * channel stops finding its messages at once), and every hit is re-read from the store, so edits
 * show and deleted messages never come back even before the index has caught up.
 */
public final class SearchService {
    /** Results per page at most. */
    public static final int MAX_LIMIT = 100;
    /** Deepest result reachable by paging. */
    public static final int MAX_OFFSET = 1_000;

    /** What to search. */
    public enum Scope { MESSAGES, PEOPLE, CHANNELS, FILES, ALL }

    private final SearchIndex index;
    private final ChatService chatService;
    private final ChatDirectory directory;
    private final ChatStore chats;
    private final WorkspaceStore workspaces;
    private final UserStore users;
    private final MessageLog log;
    private final Clock clock;
    private final FileStore files;

    public SearchService(SearchIndex index, ChatService chatService, ChatDirectory directory, ChatStore chats,
                         WorkspaceStore workspaces, UserStore users, MessageLog log, Clock clock, FileStore files) {
        this.files = files;
        this.index = index;
        this.chatService = chatService;
        this.directory = directory;
        this.chats = chats;
        this.workspaces = workspaces;
        this.users = users;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Runs a search for a user in a workspace.
     *
     * @param chatId limits it to one chat (the in-chat search), or null
     * @param byRecency newest first instead of best match first
     * @param cursor from the previous page, or null
     * @param zone the user's time zone, for date filters
     */
    public SearchResults search(UUID userId, UUID workspaceId, String q, Scope scope, UUID chatId, boolean byRecency,
                                String cursor, int limit, ZoneId zone) {
        Membership member = workspaces.membership(workspaceId, userId)
                .orElseThrow(() -> ParleyException.notFound("no such workspace"));
        int size = limit <= 0 ? 20 : Math.min(limit, MAX_LIMIT);
        int offset = decodeCursor(cursor);
        Scope s = scope == null ? Scope.MESSAGES : scope;
        List<User> people = List.of();
        List<Chat> channels = List.of();
        if ((s == Scope.PEOPLE || s == Scope.ALL) && offset == 0) people = people(workspaceId, q, s == Scope.ALL ? 5 : size);
        if ((s == Scope.CHANNELS || s == Scope.ALL) && offset == 0) channels = channels(userId, workspaceId, member, q, s == Scope.ALL ? 5 : size);
        if (s == Scope.PEOPLE || s == Scope.CHANNELS) {
            return new SearchResults(List.of(), people, channels, List.of(), people.size() + channels.size(), null);
        }

        SearchQuery query = QueryParser.parse(q, LocalDate.now(clock.withZone(zone)), zone);
        if (s == Scope.FILES) return files(userId, workspaceId, member, chatId, query, offset, size);
        if (!index.ready()) throw ParleyException.unavailable("search is temporarily unavailable (the index is rebuilding)", 5, null);
        Set<UUID> allowed = readableChats(userId, workspaceId, member, chatId);
        allowed = narrowByInAndTo(userId, workspaceId, query, allowed);
        Set<UUID> senders = query.fromHandles().isEmpty() ? null : new HashSet<>();
        for (String h : query.fromHandles()) {
            if (h.equals("me")) senders.add(userId);
            else users.byHandle(h).ifPresent(u -> senders.add(u.id()));
        }
        if (allowed.isEmpty() || (senders != null && senders.isEmpty())) {
            return new SearchResults(List.of(), people, channels, List.of(), 0, null);
        }
        SearchIndex.Page page = index.search(new SearchIndex.Criteria(query, allowed, senders, byRecency, offset, size));
        List<SearchResults.MessageHit> hits = new ArrayList<>(page.hits().size());
        Set<UUID> seen = new HashSet<>();
        for (SearchIndex.Hit h : page.hits()) {
            if (!seen.add(h.messageId())) continue; // a post indexed by a rebuild and live at once: once is enough
            // re-read: the index may lag an edit or a delete, the store does not; access re-checked the same way
            Optional<Message> m = log.message(h.messageId());
            if (m.isEmpty() || m.get().deleted() || !allowed.contains(m.get().chatId())) continue;
            hits.add(new SearchResults.MessageHit(m.get(), h.score(), h.fragments()));
        }
        int next = offset + page.hits().size();
        String nextCursor = next < page.total() && next < MAX_OFFSET ? encodeCursor(next) : null;
        return new SearchResults(hits, people, channels, List.of(), page.total(), nextCursor);
    }

    /**
     * The files scope: files attached in chats the user may read now (narrowed by in:/to:), whose names hold every
     * word and phrase of the query, uploaded by from: people when given; newest first.
     */
    private SearchResults files(UUID userId, UUID workspaceId, Membership member, UUID chatId, SearchQuery query, int offset,
                                int size) {
        Set<UUID> allowed = narrowByInAndTo(userId, workspaceId, query, readableChats(userId, workspaceId, member, chatId));
        Set<UUID> uploaders = null;
        if (!query.fromHandles().isEmpty()) {
            uploaders = new HashSet<>();
            for (String h : query.fromHandles()) {
                if (h.equals("me")) uploaders.add(userId);
                else users.byHandle(h).map(User::id).ifPresent(uploaders::add);
            }
        }
        List<String> words = new ArrayList<>(query.terms());
        words.addAll(query.phrases());
        if (allowed.isEmpty() || (uploaders != null && uploaders.isEmpty())) {
            return new SearchResults(List.of(), List.of(), List.of(), List.of(), 0, null);
        }
        List<FileInfo> found = this.files.findByName(allowed, uploaders, words, offset, size + 1);
        boolean more = found.size() > size;
        List<FileInfo> page = more ? found.subList(0, size) : found;
        int next = offset + page.size();
        return new SearchResults(List.of(), List.of(), List.of(), page, next + (more ? 1 : 0),
                more && next < MAX_OFFSET ? encodeCursor(next) : null);
    }

    /** {@return the chats the user may read in the workspace now, or just the one asked for} */
    private Set<UUID> readableChats(UUID userId, UUID workspaceId, Membership member, UUID chatId) {
        if (chatId != null) {
            Chat c = chatService.requireReadable(userId, chatId);
            if (!c.workspaceId().equals(workspaceId)) throw ParleyException.forbidden("no access to this chat");
            return Set.of(c.id());
        }
        Set<UUID> ids = chats.chatsOf(workspaceId, userId).stream().map(Chat::id).collect(Collectors.toCollection(HashSet::new));
        if (member.role().may(Permission.READ_PUBLIC_CHANNELS)) {
            chats.publicChannels(workspaceId).forEach(c -> ids.add(c.id()));
        }
        return ids;
    }

    /** in:#channel, in:@person (the DM) and to:@person (DMs and group DMs with them) narrow the chats. */
    private Set<UUID> narrowByInAndTo(UUID userId, UUID workspaceId, SearchQuery q, Set<UUID> allowed) {
        Set<UUID> result = allowed;
        if (!q.inChannels().isEmpty()) {
            Set<UUID> in = new HashSet<>();
            for (String name : q.inChannels()) {
                if (name.startsWith("@")) {
                    users.byHandle(name.substring(1)).ifPresent(other -> {
                        String key = dmKey(userId, other.id());
                        chats.byDmKey(workspaceId, key).ifPresent(c -> in.add(c.id()));
                    });
                } else {
                    chats.byName(workspaceId, name).ifPresent(c -> in.add(c.id()));
                }
            }
            result = intersect(result, in);
        }
        if (!q.toHandles().isEmpty()) {
            Set<UUID> to = new HashSet<>();
            Set<UUID> candidates = result;
            for (String h : q.toHandles()) {
                users.byHandle(h).ifPresent(other -> {
                    for (UUID c : candidates) {
                        Chat chat = directory.find(c).orElse(null);
                        if (chat != null && (chat.kind() == ChatKind.DM || chat.kind() == ChatKind.GROUP_DM)
                                && directory.members(c).contains(other.id())) {
                            to.add(c);
                        }
                    }
                });
            }
            return intersect(result, to);
        }
        return result;
    }

    private static String dmKey(UUID a, UUID b) {
        return a.compareTo(b) <= 0 ? a + "," + b : b + "," + a;
    }

    private static Set<UUID> intersect(Set<UUID> a, Set<UUID> b) {
        Set<UUID> s = new HashSet<>(a);
        s.retainAll(b);
        return s;
    }

    /** People whose handle or display name starts with the text (mention autocomplete). */
    private List<User> people(UUID workspaceId, String q, int limit) {
        String p = prefix(q);
        List<UUID> ids = workspaces.members(workspaceId).stream().map(Membership::userId).toList();
        return users.byIds(ids).stream()
                .filter(u -> !u.deactivated() && (u.handle().startsWith(p) || u.displayName().toLowerCase(Locale.ROOT).startsWith(p)
                        || u.displayName().toLowerCase(Locale.ROOT).contains(" " + p)))
                .sorted((x, y) -> x.handle().compareTo(y.handle()))
                .limit(limit).map(User::withoutSecret).toList();
    }

    /** Channels the user may see whose name contains the text. */
    private List<Chat> channels(UUID userId, UUID workspaceId, Membership member, String q, int limit) {
        String p = prefix(q).replace("#", "");
        List<Chat> visible = new ArrayList<>(chats.chatsOf(workspaceId, userId));
        if (member.role().may(Permission.READ_PUBLIC_CHANNELS)) {
            Set<UUID> seen = visible.stream().map(Chat::id).collect(Collectors.toSet());
            chats.publicChannels(workspaceId).stream().filter(c -> !seen.contains(c.id())).forEach(visible::add);
        }
        return visible.stream().filter(c -> c.kind().isChannel() && c.name() != null && c.name().contains(p))
                .sorted((x, y) -> Boolean.compare(!x.name().startsWith(p), !y.name().startsWith(p)) != 0
                        ? Boolean.compare(!x.name().startsWith(p), !y.name().startsWith(p)) : x.name().compareTo(y.name()))
                .limit(limit).toList();
    }

    private static String prefix(String q) {
        if (q == null || q.strip().length() < 2) throw ParleyException.invalid("type at least 2 characters");
        String p = q.strip().toLowerCase(Locale.ROOT);
        return p.startsWith("@") ? p.substring(1) : p;
    }

    private static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) return 0;
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int o = Integer.parseInt(s.substring(2));
            if (!s.startsWith("o:") || o < 0 || o > MAX_OFFSET) throw new IllegalArgumentException();
            return o;
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw ParleyException.invalid("cursor is not one this server gave out");
        }
    }
}
